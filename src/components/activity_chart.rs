//! A small bar chart of one partner's use of one category, a bar pair per day: allowed uses,
//! and refused attempts (on access already taken back) in a colour that stands out.

use crate::domain::activity::Series;
use leptos::prelude::*;

const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 120.0;
const AXIS: f64 = 18.0;

#[component]
pub fn ActivityChart(series: Series, first_day: String, last_day: String) -> impl IntoView {
    let days = series.allowed.len().max(1);
    let highest = series
        .allowed
        .iter()
        .chain(series.refused.iter())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = WIDTH / days as f64;
    let bar = (slot * 0.4).max(1.0);
    let plot = HEIGHT - AXIS;
    let height_of = |count: i64| (count as f64 / highest * (plot - 4.0)).max(if count > 0 { 2.0 } else { 0.0 });
    let bars = (0..days)
        .map(|day| {
            let allowed = series.allowed.get(day).copied().unwrap_or(0);
            let refused = series.refused.get(day).copied().unwrap_or(0);
            let x = day as f64 * slot + slot * 0.1;
            let (allowed_height, refused_height) = (height_of(allowed), height_of(refused));
            view! {
                <rect class="bar-allowed" x=x y=plot - allowed_height width=bar height=allowed_height/>
                <rect class="bar-refused" x=x + bar y=plot - refused_height width=bar height=refused_height/>
            }
        })
        .collect_view();
    let summary = series.summary(days);
    let label = summary.clone();
    view! {
        <svg
            class="activity-chart"
            viewBox=format!("0 0 {WIDTH} {HEIGHT}")
            role="img"
            aria-label=label
        >
            <title>{summary}</title>
            <line class="axis" x1="0" y1=plot x2=WIDTH y2=plot/>
            {bars}
            <text class="axis-label" x="0" y=HEIGHT - 4.0>{first_day}</text>
            <text class="axis-label" x=WIDTH y=HEIGHT - 4.0 text-anchor="end">{last_day}</text>
        </svg>
    }
}
