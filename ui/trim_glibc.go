//go:build linux && cgo

package ui

/*
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
static void trimCHeap(void) { malloc_trim(0); }
#else
static void trimCHeap(void) {}
#endif
*/
import "C"

// trimCHeap hands the C heap's free memory back to the system: glibc
// keeps what the OpenGL driver (Mesa) freed, in every thread's arena.
func trimCHeap() { C.trimCHeap() }
