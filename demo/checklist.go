package demo

import (
	"math/rand/v2"

	"courtwatch/storage"
)

// ChecklistVersion is the fair-trial checklist version the demo answers
// (assets/checklists/fair-trial-v1.json).
const ChecklistVersion = "1"

// answer is one possible answer with its comment.
type answer struct{ answer, comment string }

func yes() answer { return answer{storage.AnswerYes, ""} }

// hearingAnswers are the hearing-level (H) questions the demo answers, each
// with the answers a monitor might give; one is picked per hearing. For
// PRES-02, IND-02, DEL-01 and INC-01 a "yes" is the concern; the vault
// asks for a comment on every "no", so those carry one too.
var hearingAnswers = []struct {
	question string
	choices  []answer
}{
	{"PUB-01", []answer{yes(), {storage.AnswerNo, "Hearing date announced to defence counsel two days ahead; nothing posted publicly."}}},
	{"PUB-02", []answer{{storage.AnswerNo, "Access limited to pre-registered individuals; relatives and journalists kept outside the gate."},
		{storage.AnswerUnclear, "Some relatives admitted, others turned away without a stated reason."}}},
	{"PUB-03", []answer{yes(), {storage.AnswerUnclear, "Observer admitted but seated at the back; much of the testimony was inaudible."}}},
	{"PUB-04", []answer{{storage.AnswerNotApplicable, ""}}},
	{"IND-01", []answer{yes(), {storage.AnswerUnclear, "Presiding judge repeatedly cut off defence counsel but not the prosecutor."}}},
	{"IND-02", []answer{{storage.AnswerYes, "Heavy police presence; plain-clothes officers photographed the public."}, {storage.AnswerNo, "No sign of pressure in the courtroom."}}},
	{"IND-03", []answer{yes()}},
	{"PRES-02", []answer{{storage.AnswerNo, "No public statement on guilt found."}, {storage.AnswerYes, "A government spokesperson called the accused \"traitors\" on the eve of the hearing."}}},
	{"PRES-03", []answer{yes(), {storage.AnswerUnclear, "Judge asked the accused to prove they had not joined the plan."}}},
	{"WIT-01", []answer{{storage.AnswerNo, "Defence could not question the arresting officers, whose statements were read out."}, yes()}},
	{"WIT-02", []answer{{storage.AnswerUnclear, "Two defence witnesses were heard; a third was refused without reasons."}, yes()}},
	{"WIT-03", []answer{{storage.AnswerNo, "The evidence was Facebook posts, \"likes\" and party membership, not specific acts."}}},
	{"INT-02", []answer{{storage.AnswerNotObserved, ""}}},
	{"DEL-01", []answer{{storage.AnswerYes, "Hearing started 40 minutes late and was adjourned without a new date."}, {storage.AnswerNo, "Started on time; no adjournment."}}},
	{"INC-01", []answer{{storage.AnswerYes, "Two supporters arrested outside the court; an observer's phone was taken at the gate."}, {storage.AnswerNo, "No incident seen."}}},
}

// hearingChecklist answers the hearing-level questions of one hearing.
func hearingChecklist(rng *rand.Rand, h *storage.Hearing) []*storage.ChecklistAnswer {
	var out []*storage.ChecklistAnswer
	for _, q := range hearingAnswers {
		a := q.choices[rng.IntN(len(q.choices))]
		out = append(out, &storage.ChecklistAnswer{HearingID: h.ID, Question: q.question, ChecklistVersion: ChecklistVersion,
			Answer: a.answer, Comment: a.comment, Source: storage.SourceSeen})
	}
	return out
}

// defendantChecklist answers the per-defendant (D) questions for one
// defendant at one hearing, following their status and attendance.
func defendantChecklist(rng *rand.Rand, h *storage.Hearing, d *storage.CaseDefendant, a *storage.Attendance) []*storage.ChecklistAnswer {
	var out []*storage.ChecklistAnswer
	add := func(q, ans, comment string) {
		out = append(out, &storage.ChecklistAnswer{HearingID: h.ID, PersonID: d.PersonID, Question: q, ChecklistVersion: ChecklistVersion,
			Answer: ans, Comment: comment, Source: storage.SourceSeen})
	}
	switch a.Presence {
	case storage.PresencePresent:
		add("ABS-01", storage.AnswerYes, "")
	case storage.PresenceInAbsentia:
		add("ABS-01", storage.AnswerNo, "Tried in absentia: "+a.Reason+".")
		add("ABS-02", storage.AnswerUnclear, "Prosecutor said the summons went to a Phnom Penh address the accused left years ago.")
		add("ABS-03", storage.AnswerNo, "Counsel's request that the accused be allowed to enter Cambodia was not ruled on.")
	default:
		add("ABS-01", storage.AnswerNo, "Absent: "+a.Reason+".")
	}
	switch {
	case d.Counsel == "":
		add("CNS-01", storage.AnswerNo, "No lawyer; the accused was not told they could have one appointed.")
	case a.CounselState() == storage.CounselWasPresent:
		add("CNS-01", storage.AnswerYes, "")
	default:
		add("CNS-01", storage.AnswerNo, "Counsel "+d.Counsel+" absent; the hearing went ahead.")
	}
	if d.Status == storage.StatusDetained && a.Presence == storage.PresencePresent {
		add("PRES-01", storage.AnswerYes, "Brought in handcuffs and prison uniform; no reason given.")
	}
	if rng.IntN(4) == 0 {
		add("CHG-02", storage.AnswerNo, "The indictment names the accused only in the list of accused; no conduct is attributed.")
	} else {
		add("CHG-02", storage.AnswerYes, "")
	}
	if rng.IntN(5) == 0 {
		add("LEG-02", storage.AnswerUnclear, "The indictment does not say which acts are charged.")
	} else {
		add("LEG-02", storage.AnswerYes, "Charged over Facebook posts and attendance at party meetings.")
	}
	if rng.IntN(3) == 0 {
		add("ADQ-02", storage.AnswerUnclear, "Counsel says the case file was made available only on the morning of the hearing.")
	}
	return out
}
