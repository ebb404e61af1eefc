package dashboard

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/idgate/idgate"
)

// outcomeStyle is how the chart and badges show an outcome.
type outcomeStyle struct {
	Outcome idgate.Outcome
	Label   string
	Color   string
}

// outcomeStyles is the stacking order of the chart, bottom first.
var outcomeStyles = []outcomeStyle{
	{idgate.OutcomeFound, "found", "#2f855a"},
	{idgate.OutcomeNotFound, "not found", "#718096"},
	{idgate.OutcomePhotoOnly, "photo only", "#3182ce"},
	{idgate.OutcomeMarkedForDeletion, "marked for deletion", "#b7791f"},
	{idgate.OutcomeExpired, "expired", "#805ad5"},
	{idgate.OutcomeRegistryError, "registry error", "#c53030"},
	{"", "pending", "#a0aec0"},
}

// Chart geometry, in SVG user units; the SVG scales to its container.
const (
	chartW, chartH           = 800, 260
	chartLeft, chartRight    = 44, 8
	chartTop, chartBottom    = 12, 28
	chartPlotW, chartPlotH   = chartW - chartLeft - chartRight, chartH - chartTop - chartBottom
	chartGridLines           = 4
	chartMaxLabels           = 10
	chartBarGapFraction      = 0.2
	chartLabelFontSize       = 11
	chartMinVisibleBarHeight = 1.0
)

// volumeChart draws verification volume per bucket as stacked bars, one
// colour per outcome, as inline SVG. Every value in it is a number or a
// fixed label, and labels are escaped anyway.
func volumeChart(points []idgate.VolumePoint, bucket time.Duration) template.HTML {
	var total, peak int64
	for _, p := range points {
		t := p.Total()
		total += t
		peak = max(peak, t)
	}
	top := niceCeil(peak)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		chartW, chartH, template.HTMLEscapeString(fmt.Sprintf("%d verifications in %d periods", total, len(points))))
	for i := 0; i <= chartGridLines; i++ {
		v := top * int64(i) / chartGridLines
		y := chartTop + chartPlotH - float64(chartPlotH)*float64(v)/float64(top)
		fmt.Fprintf(&b, `<line class="grid" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>`, chartLeft, y, chartW-chartRight, y)
		fmt.Fprintf(&b, `<text class="axis" x="%d" y="%.1f" text-anchor="end" font-size="%d">%d</text>`, chartLeft-6, y+4, chartLabelFontSize, v)
	}
	if len(points) > 0 {
		slot := float64(chartPlotW) / float64(len(points))
		barW := slot * (1 - chartBarGapFraction)
		every := (len(points) + chartMaxLabels - 1) / chartMaxLabels
		for i, p := range points {
			x := chartLeft + slot*float64(i) + (slot-barW)/2
			y := float64(chartTop + chartPlotH)
			var tip []string
			for _, st := range outcomeStyles {
				n := p.ByOutcome[st.Outcome]
				if n == 0 {
					continue
				}
				h := max(chartMinVisibleBarHeight, float64(chartPlotH)*float64(n)/float64(top))
				y -= h
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>`,
					x, y, barW, h, st.Color, template.HTMLEscapeString(fmt.Sprintf("%s: %d %s", bucketLabel(p.Start, bucket), n, st.Label)))
				tip = append(tip, fmt.Sprintf("%d %s", n, st.Label))
			}
			if i%every == 0 {
				fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%d" text-anchor="middle" font-size="%d">%s</text>`,
					x+barW/2, chartH-8, chartLabelFontSize, template.HTMLEscapeString(bucketLabel(p.Start, bucket)))
			}
		}
	}
	fmt.Fprintf(&b, `<line class="baseline" x1="%d" y1="%d" x2="%d" y2="%d"/>`, chartLeft, chartTop+chartPlotH, chartW-chartRight, chartTop+chartPlotH)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// bucketLabel names a bucket by its start: the day for day buckets, the
// hour otherwise.
func bucketLabel(t time.Time, bucket time.Duration) string {
	if bucket >= 24*time.Hour {
		return t.UTC().Format("Jan 2")
	}
	return t.UTC().Format("15:04")
}

// niceCeil returns the top of the y axis: four grid steps of 1, 2 or 5
// times a power of ten that together reach at least n.
func niceCeil(n int64) int64 {
	for p := int64(1); ; p *= 10 {
		for _, m := range []int64{1, 2, 5} {
			if step := m * p; step*chartGridLines >= n {
				return step * chartGridLines
			}
		}
	}
}
