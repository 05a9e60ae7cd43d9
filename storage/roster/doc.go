// Package roster reads a defendant roster, a CSV file listing the
// defendants of one trial, one defendant per line, and stores it in a case.
// Parse only reads and checks the file; it never stores anything. Import
// stores the rows it returns (see Import below).
//
// # File format
//
// The file is plain text in UTF-8 (a byte order mark at the start is allowed
// and ignored), with Windows (CRLF) or Unix (LF) line endings. Values are
// separated by commas. A value that contains a comma, a double quote or a line
// break must be enclosed in double quotes, and every double quote inside it
// must be doubled (RFC 4180): "Sok ""Tiger"" Chea". Any other use of a double
// quote is an error. Spaces around every value are ignored. Empty lines, and
// lines whose values are all empty (",,,,,," as spreadsheets sometimes
// leave), are skipped.
//
// The first line is the header: it names the columns, in any order, in upper
// or lower case. Every column named in the header must be one of those below,
// and may appear only once; columns that are not needed may be left out.
// Every following line is one defendant and must have exactly as many values
// as the header has columns (a value may be empty).
//
//	name           name in Latin script, e.g. Kem Sokha
//	name_local     name in local script, e.g. Khmer កឹម សុខា
//	aliases        other names, separated by ";", e.g. Sokha;Kem S.
//	status         one of detained, bail, at_liberty, in_absentia
//	               (upper or lower case; "at liberty" and "in absentia"
//	               with a space are accepted too); empty if unknown
//	status_reason  free text explaining the status, e.g. abroad, refused
//	               entry; allowed with any status, may be empty
//	charges        Criminal Code articles, separated by ";", each one an
//	               article number optionally followed by a space and a
//	               label, e.g. 453 Plotting;494 Incitement. The article
//	               number is everything up to the first space and must
//	               start with a digit 0-9 (453, 494-495, 453(1), 27bis)
//	counsel        defence lawyer(s), free text
//
// The header must contain name or name_local (or both), and every defendant
// must have at least one of the two filled in. Names are stored in Unicode
// NFC form. Each person may appear only once in a file: two rows whose name,
// or whose name_local, has the same Key (that is, equal once case, spacing
// and invisible zero-width characters are ignored) are an error. If two
// different defendants really share a name, make the names distinguishable,
// e.g. "Sok Chea (Kampong Cham)".
//
// A roster has at most 10,000 defendants (MaxRows) and a single value is at
// most 1 MiB (MaxFieldBytes).
//
// # Example
//
//	name,name_local,aliases,status,status_reason,charges,counsel
//	Kem Sokha,កឹម សុខា,,bail,"released on bail, may not leave Phnom Penh",453 Plotting,Lim Vannak
//	Sam Rainsy,សម រង្ស៊ី,,in_absentia,"abroad, refused entry",453 Plotting;494 Incitement,
//	Mu Sochua,មូរ សុខហួរ,Sochua,in absentia,"abroad, refused entry",453 Plotting;494 Incitement,
//	,ហេង សុធា,,detained,,494 Incitement,Ouk Sreyneang
//	"Sok ""Tiger"" Chea",សុខ ជា,Tiger;Chea S.,DETAINED,,"453(1) Plotting;494-495",
//
// Saved from a spreadsheet, choose "CSV UTF-8 (Comma delimited)" in Excel, or
// character set "Unicode (UTF-8)" with field delimiter "," and string
// delimiter " in LibreOffice.
//
// # Errors
//
// Parse checks the whole file and either returns every row or, if anything is
// wrong, no row at all and an *Error listing up to 100 problems, each with the
// line where the offending row starts (the header is line 1), the column
// concerned and how to fix it, e.g.
//
//	line 7, column status: "jailed" is not one of detained, bail, at_liberty, in_absentia (...)
//
// so that the whole file can be corrected in one pass.
//
// # Import
//
// Import stores the rows as defendants of one case in a single batch, all
// or nothing, also across a crash. A row whose Latin or local name matches
// a person already in the vault (by Key) is linked to that person rather
// than duplicated, so a leader charged in six cases is one person with six
// case-defendant links; importing the same file again changes nothing. A
// row that matches several persons, or nearly matches some (the names
// differ only in accents, spacing or invisible characters), stores nothing
// and returns ErrAmbiguous with the rows in Report.Ambiguous; the caller
// asks the user and calls ImportResolved with the decision for each line.
package roster
