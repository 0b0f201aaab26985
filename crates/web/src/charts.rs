//! Small SVG charts drawn on the server (no script, no third party). Each chart is an image with a
//! title and a description (`role="img"`, `aria-labelledby`); the numbers themselves stand in the
//! data table beside it, which is what screen readers and keyboard users read.

use std::fmt::Write;

/// Colours with at least 3:1 contrast against white (WCAG 1.4.11 for graphics).
const COLOURS: [&str; 3] = ["#1d4e89", "#a4461a", "#2d6a31"];
const TEXT: &str = "#1f1f1f";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn open(out: &mut String, id: &str, width: u32, height: u32, title: &str, desc: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {width} {height}\" \
         width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(title),
        esc(desc)
    );
}

/// A horizontal bar per item (label, value), longest value full width, the value written beside.
pub fn bars(id: &str, title: &str, desc: &str, items: &[(String, f64)], unit: &str) -> String {
    let row = 26;
    let label_w = 210;
    let bar_w = 230.0;
    let width = 520;
    let height = (items.len().max(1) as u32) * row + 10;
    let max = items.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max);
    let mut out = String::new();
    open(&mut out, id, width, height, title, desc);
    for (i, (label, v)) in items.iter().enumerate() {
        let y = i as u32 * row + 5;
        let w = if max > 0.0 { v / max * bar_w } else { 0.0 };
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\" fill=\"{TEXT}\">{}</text>\
             <rect x=\"{}\" y=\"{}\" width=\"{w:.1}\" height=\"18\" fill=\"{}\"></rect>\
             <text x=\"{:.1}\" y=\"{}\" font-size=\"13\" fill=\"{TEXT}\">{}{unit}</text>",
            label_w - 6,
            y + 14,
            esc(label),
            label_w,
            y,
            COLOURS[0],
            f64::from(label_w) + w + 6.0,
            y + 14,
            number(*v),
        );
    }
    out.push_str("</svg>");
    out
}

/// Grouped vertical bars of percentages (0–100) per category (e.g. a year), one bar per series,
/// with a legend.
pub fn grouped_pct(
    id: &str,
    title: &str,
    desc: &str,
    series: &[String],
    groups: &[(String, Vec<Option<f64>>)],
) -> String {
    let plot_h = 160.0;
    let top = 10.0;
    let left = 40.0;
    let group_w = 28.0 * series.len().max(1) as f64 + 24.0;
    let legend_h = 22 * series.len() as u32;
    let width = (left + group_w * groups.len().max(1) as f64 + 10.0).max(320.0) as u32;
    let height = (top + plot_h + 30.0) as u32 + legend_h;
    let mut out = String::new();
    open(&mut out, id, width, height, title, desc);
    for tick in [0.0, 50.0, 100.0] {
        let y = top + plot_h - tick / 100.0 * plot_h;
        let _ = write!(
            out,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#767676\" stroke-width=\"0.5\"></line>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"11\" fill=\"{TEXT}\">{tick:.0} %</text>",
            width - 5,
            left - 4.0,
            y + 4.0
        );
    }
    for (g, (label, values)) in groups.iter().enumerate() {
        let x0 = left + 12.0 + g as f64 * group_w;
        for (s, v) in values.iter().enumerate() {
            let Some(v) = v else { continue };
            let h = v.clamp(0.0, 100.0) / 100.0 * plot_h;
            let _ = write!(
                out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"24\" height=\"{h:.1}\" fill=\"{}\"></rect>",
                x0 + s as f64 * 28.0,
                top + plot_h - h,
                COLOURS[s % COLOURS.len()],
            );
        }
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\" fill=\"{TEXT}\">{}</text>",
            x0 + 14.0 * values.len() as f64 - 2.0,
            top + plot_h + 18.0,
            esc(label)
        );
    }
    for (s, name) in series.iter().enumerate() {
        let y = top + plot_h + 30.0 + 22.0 * s as f64;
        let _ = write!(
            out,
            "<rect x=\"{left}\" y=\"{y:.1}\" width=\"14\" height=\"14\" fill=\"{}\"></rect>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"12\" fill=\"{TEXT}\">{}</text>",
            COLOURS[s % COLOURS.len()],
            left + 20.0,
            y + 12.0,
            esc(name)
        );
    }
    out.push_str("</svg>");
    out
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_their_text_and_scale_to_the_largest_value() {
        let svg = bars(
            "c",
            "Kontakte <nach> Thema",
            "d & e",
            &[("Arbeit".into(), 10.0), ("\"Wohnen\"".into(), 5.0)],
            "",
        );
        assert!(svg.contains("<title id=\"c-t\">Kontakte &lt;nach&gt; Thema</title>"));
        assert!(svg.contains("d &amp; e"));
        assert!(svg.contains("&quot;Wohnen&quot;"));
        assert!(svg.contains("width=\"230.0\""));
        assert!(svg.contains("width=\"115.0\""));
        let g = grouped_pct(
            "g",
            "t",
            "d",
            &["B1".into()],
            &[
                ("2024".into(), vec![Some(50.0)]),
                ("2025".into(), vec![None]),
            ],
        );
        assert!(g.contains("height=\"80.0\""));
        assert_eq!(g.matches("<rect").count(), 2, "one bar, one legend key");
    }
}
