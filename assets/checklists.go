package assets

import "embed"

// Checklists holds the fair-trial checklist templates as JSON, one file per
// version: checklists/fair-trial-v1.json and so on, and translations of
// their texts, one file per version and language
// (checklists/fair-trial-v1.km.json). Question ids and the
// version never change once published, so that answers stay comparable
// across hearings and cases; a changed checklist is a new file.
//
//go:embed checklists/*.json
var Checklists embed.FS
