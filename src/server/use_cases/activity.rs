//! Assembles the Activity page of one user from the decision records. It takes the user's id,
//! not the session, so the support console can show the same page for the person it helps.

use crate::domain::activity::{ActivityView, AttemptsAfterEnd, DAY_MS, EndedBy, Series, Window, day_index, time_ago};
use crate::server::clock::human_date;
use crate::server::storage::{Store, StoreError};
use std::collections::{BTreeMap, HashMap};

/// Partner, category, access, when it ended and how: attempts after one end are counted together.
type EndedAccess = (i64, i64, &'static str, i64, &'static str);

pub async fn build(store: &Store, user_id: i64, window: Window, now: i64) -> Result<ActivityView, StoreError> {
    let days = window.days();
    let today_start = now - now.rem_euclid(DAY_MS);
    let first_day_start = today_start - (days as i64 - 1) * DAY_MS;
    let partners: HashMap<i64, String> = store.partners().await?.into_iter().map(|p| (p.id, p.name)).collect();
    let categories: HashMap<i64, String> = store
        .categories()
        .await?
        .into_iter()
        .map(|c| (c.id, c.name.to_lowercase()))
        .collect();
    let name_of = |partner_id: i64, category_id: i64| {
        (
            partners.get(&partner_id).cloned().unwrap_or_default(),
            categories.get(&category_id).cloned().unwrap_or_default(),
        )
    };

    let mut series: BTreeMap<(i64, i64), Series> = BTreeMap::new();
    for hour in store.hours_of_use(user_id, first_day_start).await? {
        if let Some(day) = day_index(hour.hour_start, first_day_start, days)
            && hour.allowed > 0
        {
            series_at(&mut series, (hour.partner_id, hour.category_id), days, &name_of).allowed[day] += hour.allowed;
        }
    }
    let mut after_end: BTreeMap<EndedAccess, (i64, i64)> = BTreeMap::new();
    for attempt in store.refused_attempts_of_user(user_id, first_day_start).await? {
        let key = attempt.key;
        if let Some(day) = day_index(attempt.at, first_day_start, days) {
            series_at(&mut series, (key.partner_id, key.category_id), days, &name_of).refused[day] += 1;
        }
        let slot = after_end
            .entry((
                key.partner_id,
                key.category_id,
                key.access.as_str(),
                attempt.ended_at,
                attempt.reason.as_str(),
            ))
            .or_insert((0, attempt.at));
        slot.0 += 1;
        slot.1 = slot.1.max(attempt.at);
    }

    let mut series: Vec<Series> = series.into_values().collect();
    series.sort_by(|a, b| {
        (b.total_refused(), b.total_allowed(), &a.partner_name).cmp(&(
            a.total_refused(),
            a.total_allowed(),
            &b.partner_name,
        ))
    });
    let mut attempts_after_end: Vec<AttemptsAfterEnd> = after_end
        .into_iter()
        .filter_map(
            |((partner_id, category_id, access, ended_at, reason), (attempts, last))| {
                let (partner_name, category_noun) = name_of(partner_id, category_id);
                Some(AttemptsAfterEnd {
                    partner_name,
                    category_noun,
                    access: crate::domain::access::Access::parse(access).ok()?,
                    ended_by: match reason {
                        "withdrawn" => EndedBy::Withdrawn,
                        "revoked" => EndedBy::Revoked,
                        _ => EndedBy::Expired,
                    },
                    ended_on: human_date(ended_at),
                    attempts,
                    last_attempt_ago: time_ago(last, now),
                })
            },
        )
        .collect();
    attempts_after_end.sort_by(|a, b| b.attempts.cmp(&a.attempts).then(a.partner_name.cmp(&b.partner_name)));
    Ok(ActivityView {
        window,
        first_day: human_date(first_day_start),
        last_day: human_date(today_start),
        attempts_after_end,
        series,
    })
}

/// The series of one partner and category, made empty on first use.
fn series_at<'a>(
    all: &'a mut BTreeMap<(i64, i64), Series>,
    (partner_id, category_id): (i64, i64),
    days: usize,
    name_of: &impl Fn(i64, i64) -> (String, String),
) -> &'a mut Series {
    all.entry((partner_id, category_id)).or_insert_with(|| {
        let (partner_name, category_noun) = name_of(partner_id, category_id);
        Series {
            partner_name,
            category_noun,
            allowed: vec![0; days],
            refused: vec![0; days],
        }
    })
}
