//! The overview chart: daily sums of the current month as an inline SVG bar chart, drawn on
//! the server (no script). Values are fen; labels are yuan.

use chrono::{DateTime, Datelike, FixedOffset, TimeZone};
use pc_domain::money::Money;
use pc_domain::query::EpochMillis;

fn cst() -> FixedOffset {
    pc_domain::clock::EAST_EIGHT
}

/// The first instant of the current month in UTC+8, and the number of days it has. Every
/// step is total for the business clock's years; the fallbacks keep a panic off the page.
pub fn month_start(now: EpochMillis) -> (EpochMillis, u32) {
    let today = DateTime::from_timestamp_millis(now).unwrap_or_default().with_timezone(&cst()).date_naive();
    let first = today.with_day(1).unwrap_or(today);
    let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
    let start = cst().from_local_datetime(&first.and_time(chrono::NaiveTime::MIN)).single().map_or(now, |t| t.timestamp_millis());
    (start, (next - first).num_days().max(1) as u32)
}

/// Sums `(at, fen)` items into one bucket per day of the month starting at `start`.
pub fn daily(items: &[(EpochMillis, i64)], start: EpochMillis, days: u32) -> Vec<i64> {
    let mut out = vec![0i64; days as usize];
    for (at, fen) in items {
        let day = (at - start).div_euclid(86_400_000);
        if (0..i64::from(days)).contains(&day) {
            out[day as usize] += fen;
        }
    }
    out
}

/// Two series side by side per day; the first is drawn in the accent colour.
pub fn bars_svg(a: &[i64], b: &[i64], label_a: &str, label_b: &str) -> String {
    let (w, h, pad) = (640.0_f32, 200.0_f32, 24.0_f32);
    let max = a.iter().chain(b).copied().max().unwrap_or(0).max(1);
    let n = a.len().max(1) as f32;
    let slot = (w - 2.0 * pad) / n;
    let bar = (slot / 2.0 - 1.0).max(1.0);
    let scale = |v: i64| (v as f32 / max as f32) * (h - 2.0 * pad);
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">\
         <line x1=\"{pad}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"#999\"/>",
        y = h - pad,
        x2 = w - pad
    );
    for (i, (va, vb)) in a.iter().zip(b).enumerate() {
        let x = pad + i as f32 * slot;
        for (j, (v, class)) in [(va, "a"), (vb, "b")].into_iter().enumerate() {
            let bh = scale(*v);
            svg += &format!(
                "<rect class=\"{class}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{bh:.1}\"><title>{}: {}</title></rect>",
                x + j as f32 * (bar + 1.0),
                h - pad - bh,
                i + 1,
                Money::from_fen(*v)
            );
        }
        if i % 5 == 0 {
            svg += &format!("<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\">{}</text>", x, h - 8.0, i + 1);
        }
    }
    svg += &format!(
        "<rect class=\"a\" x=\"{pad}\" y=\"4\" width=\"10\" height=\"10\"/><text x=\"{:.1}\" y=\"13\" font-size=\"11\">{}</text>\
         <rect class=\"b\" x=\"{:.1}\" y=\"4\" width=\"10\" height=\"10\"/><text x=\"{:.1}\" y=\"13\" font-size=\"11\">{}</text>\
         <text x=\"{:.1}\" y=\"13\" font-size=\"10\" text-anchor=\"end\">max {}</text></svg>",
        pad + 14.0,
        escape(label_a),
        pad + 160.0,
        pad + 174.0,
        escape(label_b),
        w - pad,
        Money::from_fen(max)
    );
    svg
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_by_day_of_month() {
        let (start, days) = month_start(pc_domain::query::parse_utc("t", "2026-02-10T00:00:00Z").unwrap());
        assert_eq!(days, 28);
        assert_eq!(pc_domain::query::format_utc(start), "2026-01-31T16:00:00Z");
        let d = daily(&[(start + 5, 100), (start + 86_400_000, 50), (start - 1, 7)], start, days);
        assert_eq!((d[0], d[1], d.iter().sum::<i64>()), (100, 50, 150));
    }

    #[test]
    fn svg_escapes_labels() {
        let svg = bars_svg(&[1, 2], &[0, 3], "<a>", "b&c");
        assert!(svg.contains("&lt;a&gt;") && svg.contains("b&amp;c"));
    }
}
