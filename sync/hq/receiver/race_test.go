//go:build race

package receiver

// raceEnabled: the race detector runs, making every TLS handshake many
// times slower; TestReceiverAbuse scales its attacks down.
const raceEnabled = true
