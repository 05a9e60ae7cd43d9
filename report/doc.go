// Package report turns the vault into the documents headquarters reads and
// publishes: hearing, case and defendant reports as HTML and PDF, and CSV
// exports of notes, attendance, checklist answers and the cross-case
// matrix. It works offline and never imports Fyne.
//
// # Reports
//
// Build reads everything a report needs in one vault transaction and lays
// it out as a Doc, a list of blocks (headings, paragraphs, fields, tables,
// the scorecard chart, the procedural timeline); WriteHTML and WritePDF
// render the same Doc.
//
//   - Hearing report: case, court, date, times, judges, prosecutors,
//     counsel, observers, public access; attendance of every listed
//     defendant with status, presence, counsel and in-absentia reasons;
//     the log of notes and one-tap events; the fair-trial checklist
//     findings by section, concerns first, hearing-level and
//     per-defendant; attachments with their sha256.
//   - Case report: the case's facts and charges; the fair-trial scorecard
//     (per checklist section, how many hearings and defendants had a
//     concern) as a bar chart and a table; the procedural timeline;
//     defendants with their charges; the cross-case matrix; attendance by
//     hearing; then every hearing in date order with its concerns and log.
//   - Defendant report: one person across every case they are accused in:
//     charges and status per case, presence and concerns at every hearing
//     of those cases ("not recorded" where there is no attendance record,
//     "not listed" where the hearing did not list them), their checklist
//     findings and the notes about them.
//
// A report states only what a record says. A hearing without attendance
// records says so and makes no claim about presence or counsel; counsel is
// "present" or "absent" only where that was recorded. The scorecard counts
// each section's concerns out of the hearings and defendants for which it
// was answered yes, no or unclear, and says "no per-defendant questions"
// or "no per-defendant answers" rather than "0 of N".
//
// Times are shown in the court's time zone, which the case names
// (storage.Case.TimeZone, e.g. Asia/Phnom_Penh) and every report names as
// "Asia/Phnom_Penh, UTC+07:00"; for a case made before cases carried a
// zone, each hearing's times are shown at the offset it was scheduled with,
// and the report says so. Footer times are UTC.
//
// Records that "case purge" removed after HQ confirmed receiving them are
// not "not recorded": reports count them by kind, say when they were
// removed and in which bundles (with HQ's receipt time) they reached HQ,
// and point to HQ's report for their content (storage.PurgedRecord).
//
// An entry edited after it was written says when and which version it
// shows; the appendix "Earlier versions" gives every earlier text with its
// hash.
//
// A concern is an "unclear" answer, or the answer the checklist marks as
// the problem: "no" for most questions, "yes" for those that ask whether
// something wrong happened (PRES-01 "was the accused caged", IND-02,
// PRES-02, TOR-01, LEG-02, DEL-01, INC-01); see Question.IsConcern.
//
// Every report ends with the records it rests on: every record it shows or
// counts, and no other, each with the version shown and its sha256 hash,
// in the appendix "Records this report rests on"; and with its provenance:
// the device that generated it and when, the devices whose records it
// rests on, and the newest of those records (id and hash). The files carry
// the same list as JSON (Manifest): HTML in <script type="application/json"
// id="courtwatch-sources">, PDF as the embedded file
// courtwatch-sources.json. Check compares a report file with a vault:
// every listed record must be there with the listed hash and unchanged,
// and the report made from the vault now must rest on exactly the listed
// records ("courtwatch report check FILE"). A CSV export carries no such
// list: Check reads the records its rows cite (record_id, version, hash of
// the notes, attendance and checklist tables) and checks each the same
// way; what a CSV leaves out is not checked, and the matrix, which cites
// no records, is refused (ErrCSVNoRecords). When a report holds
// observations of more than one device (an HQ vault), each log entry names
// the device that observed it.
//
// # Languages
//
// HTML and PDF reports are written in English or Khmer (Options.Lang "en"
// or "km"): every heading, label, legend, sentence and footer line the
// report writes itself, the fair-trial checklist's sections and questions
// (assets/checklists/fair-trial-v1.km.json) and the names of the shipped
// events. Dates follow the language as the app's screens do (Khmer
// weekday and month names, Khmer digits); clock times, counts, ids and
// hashes keep Latin digits. What monitors recorded is shown as written.
// The Khmer table is lang_km.go, keyed by the English; a test fails for
// any report text without a Khmer translation. CSV exports stay English.
//
// HTML is one self-contained file: the fonts (Noto Sans, Noto Sans Khmer)
// are embedded as base64 @font-face rules, the chart is inline SVG, and a
// print style sheet lays it out on A4. Every value is escaped by
// html/template.
//
// PDF is written by report/internal/pdf: Khmer is shaped with go-text (the
// Go port of HarfBuzz) and drawn glyph by glyph at the shaped positions,
// fonts are embedded as subsets, and /ActualText spans make pdftotext and
// copy-and-paste give back the exact original text.
//
// # CSV exports
//
// WriteCSV writes one table about a hearing, a case or a defendant: UTF-8
// with a byte order mark (so that spreadsheet programs read Khmer), CRLF
// line ends, a header row, then one row per item. A value that starts with
// = + - @, a tab or a carriage return gets a leading ' so that a
// spreadsheet does not run it as a formula. Times are RFC 3339 with the
// offset they were recorded in; dates are YYYY-MM-DD; lists inside a cell
// are separated by ";". The column names are stable: new columns are only
// ever added at the end. Times and dates are in the court's time zone
// (see above), with its offset.
//
// notes: one row per note or one-tap event (for a defendant: those about
// them), in time order within each hearing.
//
//	case_id, case_number, hearing_id, hearing_date  where it was observed
//	record_id      the note's or event's id
//	kind           note or event
//	time           when it was observed
//	text           the note's text, or the event's comment
//	event_type     for events, e.g. public_denied_entry
//	tags           the note's tags
//	defendant_ids  persons the note or event is about
//	defendants     their names
//	source         seen or reported (hearsay)
//	device         the device that recorded it
//	hash           sha256 of the stored version
//	version        the version shown: above 1, the entry was edited
//	saved          when that version was written
//	time_zone      the zone times are shown in, e.g. "Asia/Phnom_Penh, UTC+07:00"
//
// attendance: one row per listed defendant per hearing, also where no
// attendance was recorded.
//
//	case_id, case_number, hearing_id, hearing_date
//	person_id, name, name_local     the defendant, Latin and Khmer script
//	case_status, status_reason      detained, bail, at_liberty or in_absentia, and why
//	presence, reason                present, absent or in_absentia, and why; not_recorded
//	                                where there is no record, removed_after_delivery where
//	                                it was purged after HQ confirmed receiving it
//	counsel, counsel_present        the defendant's counsel, and present, absent or
//	                                empty (not recorded)
//	device, hash, record_id, version  of the attendance record; empty without one
//
// checklist: one row per checklist answer.
//
//	case_id, case_number, hearing_id, hearing_date
//	record_id, checklist_version
//	question, section, scope        e.g. PUB-02, PUB, H (hearing) or D (defendant)
//	question_text
//	person_id, name, name_local     empty for hearing-level answers
//	answer                          yes, no, unclear, not_observed or not_applicable
//	concern                         true or false, as defined above
//	comment, source, device, hash
//	version
//
// matrix: the cross-case matrix, one row per defendant.
//
//	person_id, name, name_local
//	cases          how many cases the person is accused in
//	then one column per case, headed by its case number (or title),
//	holding the articles charged in that case, e.g. "art. 453 Plotting".
//
// # Files
//
// WriteFile writes a report where the user chose and nowhere else: into a
// temporary file in the same folder, synced, then renamed over the target,
// and removed if anything fails. No plaintext copy is left elsewhere.
package report
