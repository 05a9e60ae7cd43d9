package demo

import (
	"math/rand/v2"

	"courtwatch/storage"
)

// name is a romanised name with its Khmer spelling.
type name struct{ latin, khmer string }

// Public figures whose trials in absentia the scenario follows. Their
// names are used for illustration; everything recorded about them here is
// invented.
var (
	samRainsy = name{"Sam Rainsy", "សម រង្ស៊ី"}
	muSochua  = name{"Mu Sochua", "មូរ សុខហួរ"}
	kemSokha  = name{"Kem Sokha", "កឹម សុខា"}
)

// The first persons are fixed: the ones charged in several cases, with the
// exiles first.
var fixed = []struct {
	name
	aliases     []string
	affiliation string
}{
	{samRainsy, []string{"Rainsy Sam"}, "CNRP co-founder"},
	{muSochua, []string{"Sochua"}, "CNRP vice-president"},
	{name{"Eng Chhai Eang", "អេង ឆៃអ៊ាង"}, nil, "CNRP vice-president"},
	{name{"Ho Vann", "ហូ វ៉ាន់"}, nil, "CNRP, former MP"},
	{name{"Long Ry", "ឡុង រី"}, nil, "CNRP, former MP"},
	{kemSokha, nil, "CNRP president"},
	{name{"Theary Seng", ""}, nil, "lawyer, civil-society activist"},
}

// Generated names: family name first, as in Khmer.
var families = []name{
	{"Chea", "ជា"}, {"Sok", "សុខ"}, {"Keo", "កែវ"}, {"Meas", "មាស"},
	{"Chan", "ចាន់"}, {"Heng", "ហេង"}, {"Ly", "លី"}, {"Nuon", "នួន"},
	{"Prak", "ប្រាក់"}, {"Yim", "យឹម"}, {"Ouk", "អ៊ុក"}, {"Seng", "សេង"},
	{"Touch", "ទូច"}, {"Phan", "ផាន់"}, {"Chhim", "ឈឹម"}, {"Mao", "ម៉ៅ"},
	{"Pen", "ប៉ែន"}, {"Tep", "ទេព"}, {"Kong", "គង់"}, {"Lim", "លឹម"},
}

var givens = []name{
	{"Sokha", "សុខា"}, {"Dara", "ដារ៉ា"}, {"Vannak", "វណ្ណៈ"}, {"Sophal", "សុផល"},
	{"Chenda", "ចិន្តា"}, {"Bopha", "បុប្ផា"}, {"Rith", "រិទ្ធ"}, {"Sreymom", "ស្រីមុំ"},
	{"Vuthy", "វុទ្ធី"}, {"Kosal", "កុសល"}, {"Sovann", "សុវណ្ណ"}, {"Piseth", "ពិសិដ្ឋ"},
	{"Theary", "ធារី"}, {"Sothea", "សុធា"}, {"Rotha", "រដ្ឋា"}, {"Kanha", "កញ្ញា"},
	{"Samnang", "សំណាង"}, {"Sopheap", "សុភាព"}, {"Vibol", "វិបុល"}, {"Chantha", "ចន្ថា"},
	{"Sokun", "សុគុណ"}, {"Narin", "ណារិន"}, {"Ratana", "រតនា"}, {"Mony", "មុន្នី"},
}

var affiliations = []string{
	"CNRP member", "CNRP supporter", "CNRP commune councillor", "youth activist",
	"land-rights activist", "trade unionist", "CNRP member", "CNRP supporter",
}

// persons returns n persons: the fixed ones, then generated names that are
// all different. Every second generated person also has the Khmer
// spelling; the others are known to the monitor only in romanised form.
func persons(rng *rand.Rand, n int) []*storage.Person {
	out := make([]*storage.Person, 0, n)
	for _, f := range fixed {
		out = append(out, &storage.Person{Name: f.latin, NameLocal: f.khmer, Aliases: f.aliases, Affiliation: f.affiliation})
	}
	used := map[string]bool{}
	for _, p := range out {
		used[p.Name] = true
	}
	for len(out) < n {
		f, g := families[rng.IntN(len(families))], givens[rng.IntN(len(givens))]
		latin := f.latin + " " + g.latin
		if used[latin] {
			continue
		}
		used[latin] = true
		p := &storage.Person{Name: latin, Affiliation: affiliations[rng.IntN(len(affiliations))]}
		if len(out)%2 == 0 {
			p.NameLocal = f.khmer + " " + g.khmer
		}
		out = append(out, p)
	}
	return out
}
