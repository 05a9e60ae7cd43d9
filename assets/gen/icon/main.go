//go:build ignore

// Icon draws the Courtwatch app icon, a bold "C" that is also a magnifying
// glass watching over the court, and writes it as a 512×512 PNG.
//
// Run it from the assets folder (go generate does this):
//
//	go run gen/icon/main.go -o icon.png
//
// Shapes are described in a 512×512 design space and sampled 4×4 times per
// pixel, so edges are smooth without any drawing library.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

const (
	size = 512
	ss   = 4 // samples per pixel along each axis
)

var (
	navy  = color.NRGBA{0x1f, 0x3a, 0x5f, 0xff}
	white = color.NRGBA{0xf7, 0xf4, 0xec, 0xff}
	amber = color.NRGBA{0xf2, 0xa5, 0x41, 0xff}
	clear = color.NRGBA{}
)

// Geometry of the "C" lens: a thick ring open on the right, with rounded ends,
// and the handle leaving it towards the bottom right.
const (
	cx, cy      = 226.0, 226.0
	outerR      = 150.0
	innerR      = 104.0
	gapFrom     = -48.0 // degrees, y grows downwards
	gapTo       = 28.0
	handleAngle = 45.0
	handleFrom  = 150.0 // distance from the lens centre
	handleTo    = 300.0
	handleHalf  = 30.0 // half the handle's thickness
	pupilR      = 38.0
)

func main() {
	out := flag.String("o", "icon.png", "output file")
	flag.Parse()
	if err := write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "icon:", err)
		os.Exit(1)
	}
}

func write(path string) error {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			img.SetNRGBA(x, y, pixel(x, y))
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// pixel averages the colour of ss×ss samples, weighting by alpha so that
// edges against the transparent corners do not darken.
func pixel(x, y int) color.NRGBA {
	var r, g, b, a float64
	for j := 0; j < ss; j++ {
		for i := 0; i < ss; i++ {
			c := sample(float64(x)+(float64(i)+0.5)/ss, float64(y)+(float64(j)+0.5)/ss)
			al := float64(c.A) / 255
			r += float64(c.R) * al
			g += float64(c.G) * al
			b += float64(c.B) * al
			a += al
		}
	}
	if a == 0 {
		return clear
	}
	return color.NRGBA{
		R: uint8(math.Round(r / a)),
		G: uint8(math.Round(g / a)),
		B: uint8(math.Round(b / a)),
		A: uint8(math.Round(a / (ss * ss) * 255)),
	}
}

// sample returns the colour of the topmost shape at (x, y).
func sample(x, y float64) color.NRGBA {
	switch {
	case !inRoundedSquare(x, y, 16, 104):
		return clear
	case inPupil(x, y):
		return amber
	case inLens(x, y):
		return white
	case inHandle(x, y):
		return amber
	}
	return navy
}

func inRoundedSquare(x, y, margin, radius float64) bool {
	lo, hi := margin+radius, size-margin-radius
	dx := math.Max(0, math.Max(lo-x, x-hi))
	dy := math.Max(0, math.Max(lo-y, y-hi))
	return dx*dx+dy*dy <= radius*radius
}

func inPupil(x, y float64) bool {
	return math.Hypot(x-cx, y-cy) <= pupilR
}

// inLens reports whether (x, y) is on the "C": the ring outside the gap, or
// one of the two round caps that close its ends.
func inLens(x, y float64) bool {
	d := math.Hypot(x-cx, y-cy)
	angle := math.Atan2(y-cy, x-cx) * 180 / math.Pi
	if d >= innerR && d <= outerR && (angle < gapFrom || angle > gapTo) {
		return true
	}
	mid, capR := (innerR+outerR)/2, (outerR-innerR)/2
	for _, a := range []float64{gapFrom, gapTo} {
		ex, ey := cx+mid*cos(a), cy+mid*sin(a)
		if math.Hypot(x-ex, y-ey) <= capR {
			return true
		}
	}
	return false
}

// inHandle reports whether (x, y) is on the handle, a capsule along
// handleAngle from handleFrom to handleTo.
func inHandle(x, y float64) bool {
	ux, uy := cos(handleAngle), sin(handleAngle)
	t := (x-cx)*ux + (y-cy)*uy
	t = math.Max(handleFrom, math.Min(handleTo, t))
	px, py := cx+t*ux, cy+t*uy
	return math.Hypot(x-px, y-py) <= handleHalf
}

func cos(deg float64) float64 { return math.Cos(deg * math.Pi / 180) }
func sin(deg float64) float64 { return math.Sin(deg * math.Pi / 180) }
