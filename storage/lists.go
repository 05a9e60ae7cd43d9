package storage

import "github.com/google/uuid"

// Cases lists every case, oldest first.
func (tx *Tx) Cases() ([]*Case, error) { return listRecords[Case](tx, "type:"+KindCase, uuid.Nil) }

// Persons lists every person, oldest first.
func (tx *Tx) Persons() ([]*Person, error) {
	return listRecords[Person](tx, "type:"+KindPerson, uuid.Nil)
}

// DefendantsOfCase lists the defendants of a case with their per-case
// charges, counsel and status.
func (tx *Tx) DefendantsOfCase(caseID uuid.UUID) ([]*CaseDefendant, error) {
	return listRecords[CaseDefendant](tx, "case.defendants", caseID)
}

// CasesOfPerson lists every case in which a person is accused.
func (tx *Tx) CasesOfPerson(personID uuid.UUID) ([]*CaseDefendant, error) {
	return listRecords[CaseDefendant](tx, "person.cases", personID)
}

// HearingsOfCase lists a case's hearings by scheduled date.
func (tx *Tx) HearingsOfCase(caseID uuid.UUID) ([]*Hearing, error) {
	return listRecords[Hearing](tx, "case.hearings", caseID)
}

// Hearings lists every hearing of every case by scheduled date.
func (tx *Tx) Hearings() ([]*Hearing, error) { return listRecords[Hearing](tx, "hearings", uuid.Nil) }

// NotesOfHearing lists a hearing's notes by time.
func (tx *Tx) NotesOfHearing(hearingID uuid.UUID) ([]*Note, error) {
	return listRecords[Note](tx, "hearing.notes", hearingID)
}

// EventsOfHearing lists a hearing's one-tap events by time.
func (tx *Tx) EventsOfHearing(hearingID uuid.UUID) ([]*Event, error) {
	return listRecords[Event](tx, "hearing.events", hearingID)
}

// AttendanceOfHearing lists the attendance records of a hearing.
func (tx *Tx) AttendanceOfHearing(hearingID uuid.UUID) ([]*Attendance, error) {
	return listRecords[Attendance](tx, "hearing.attendance", hearingID)
}

// ChecklistOfHearing lists the checklist answers of a hearing, by question.
func (tx *Tx) ChecklistOfHearing(hearingID uuid.UUID) ([]*ChecklistAnswer, error) {
	return listRecords[ChecklistAnswer](tx, "hearing.checklist", hearingID)
}

// AttachmentsOfHearing lists the attachments of a hearing.
func (tx *Tx) AttachmentsOfHearing(hearingID uuid.UUID) ([]*Attachment, error) {
	return listRecords[Attachment](tx, "hearing.attachments", hearingID)
}

// AttachmentsOfCase lists the attachments filed under a case.
func (tx *Tx) AttachmentsOfCase(caseID uuid.UUID) ([]*Attachment, error) {
	return listRecords[Attachment](tx, "case.attachments", caseID)
}
