//go:build !linux || !cgo

package ui

// trimCHeap does nothing here: only glibc keeps freed C memory this way.
func trimCHeap() {}
