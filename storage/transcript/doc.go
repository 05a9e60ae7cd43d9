// Package transcript parses a note transcript: the notes of one hearing,
// typed on a phone in a court that bans laptops or transcribed from
// handwriting afterwards, for import into the vault. Parse only reads and
// checks the text; it never stores anything.
//
// # Format
//
// The file is UTF-8 text (a byte order mark at the start is allowed and
// ignored) with Windows (CRLF) or Unix (LF) line endings. Every line that is
// not blank is one note; blank lines are skipped. A line is either plain
// text or a JSON object.
//
// A plain line may start with a time of day, 24-hour H:MM, HH:MM or
// HH:MM:SS (Khmer digits ០-៩ are accepted as well as 0-9), followed by a
// space, a tab, " - " or ":" and then the note's text:
//
//	09:02 Judge enters; the public gallery is closed
//	09:05:30 - Prosecutor reads charges under article 453
//	09:07: កឹម សុខា is brought in
//	Defence counsel objects
//
// The time is placed on the hearing's day in the hearing's time zone. A line
// without a time follows the line before it: it gets that line's time plus
// one second, so the notes keep their order ("Defence counsel objects" above
// is 09:07:01). Untimed lines before the first time start at midnight.
//
// A line whose first non-blank character is "{" is one JSON object:
//
//	{"time":"09:10","text":"Recess","tags":["procedure"],"source":"seen"}
//	{"time":"2024-05-02T09:15:00+07:00","text":"Mu Sochua absent","source":"reported"}
//
// text is required. time is optional and is either HH:MM[:SS] on the
// hearing's day or a full RFC 3339 time; without it the line follows the
// line before, as above. tags is a list of non-empty strings. source is
// "seen" (the monitor saw it) or "reported" (the monitor was told), or left
// out. No other fields are allowed, so that a misspelt one is noticed.
//
// # Order
//
// Times never go backwards. A time earlier than the time written on an
// earlier line is an error, as it is almost always a typing mistake. A time
// that is earlier only than the one-second steps of the untimed lines just
// before it ("10:05 a", "b", "10:05 c") is moved to one second after them,
// so c is 10:05:02; Line.HasTime still says that a time was written.
//
// # Errors
//
// Parse checks the whole file and returns either every note or, if any line
// is bad, no note at all and an *Error listing up to 100 problems, each with
// its line number (the first line is 1):
//
//	line 4: 25:61 is not a valid time; write 24-hour HH:MM or HH:MM:SS, 00:00 to 23:59:59
//
// A line is bad when its time is invalid or goes backwards, its text is
// missing, it is not valid UTF-8, its JSON does not decode, or it is longer
// than 64 KiB (MaxLineBytes). A file of more than 100,000 lines (MaxLines)
// or with no note at all is an error too.
package transcript
