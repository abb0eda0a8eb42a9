//! Assembles the Activity page of one user from the decision records. It takes the user's id,
//! not the session, so the support console can show the same page for the person it helps.

use crate::domain::access::Access;
use crate::domain::activity::{
    ActivityView, AttemptsAfterEnd, DAY_MS, EndedBy, Series, WEEK_MS, Window, day_index, time_ago,
};
use crate::domain::through_friends::{Exposure, exposure_of_person, seen_count_sentence};
use crate::server::clock::human_date;
use crate::server::storage::activity::RefusedAttempt;
use crate::server::storage::{Store, StoreError};
use std::collections::{BTreeMap, HashMap};

/// Partner, category, access, when it ended and how, and the friend it was asked through:
/// attempts after one end are counted together.
type EndedAccess = (i64, i64, Access, i64, EndedBy, Option<i64>);

/// The names of partners and categories (lowercase), as the page says them.
struct Names {
    partners: HashMap<i64, String>,
    categories: HashMap<i64, String>,
    /// How a partner would see the person through a friend, by the category it asked.
    seen_through: HashMap<i64, Exposure>,
}

impl Names {
    async fn read(store: &Store) -> Result<Self, StoreError> {
        let partners = store.partners().await?.into_iter().map(|p| (p.id, p.name)).collect();
        let category_entries = store.categories().await?;
        Ok(Names {
            partners,
            categories: category_entries.iter().map(|c| (c.id, c.name.to_lowercase())).collect(),
            seen_through: category_entries
                .iter()
                .filter_map(|c| Some((c.id, exposure_of_person(&c.slug)?)))
                .collect(),
        })
    }

    fn of(&self, partner_id: i64, category_id: i64) -> (String, String) {
        (
            self.partners.get(&partner_id).cloned().unwrap_or_default(),
            self.categories.get(&category_id).cloned().unwrap_or_default(),
        )
    }
}

pub async fn build(store: &Store, user_id: i64, window: Window, now: i64) -> Result<ActivityView, StoreError> {
    let days = window.days();
    let today_start = now - now.rem_euclid(DAY_MS);
    let first_day_start = today_start - (days as i64 - 1) * DAY_MS;
    let names = Names::read(store).await?;
    let name_of = |partner_id: i64, category_id: i64| names.of(partner_id, category_id);

    let mut series: BTreeMap<(i64, i64), Series> = BTreeMap::new();
    for hour in store.hours_of_use(user_id, first_day_start).await? {
        if let Some(day) = day_index(hour.hour_start, first_day_start, days)
            && hour.allowed > 0
        {
            series_at(&mut series, (hour.partner_id, hour.category_id), days, &name_of).allowed[day] += hour.allowed;
        }
    }
    let attempts = store.refused_attempts_of_user(user_id, first_day_start).await?;
    for attempt in &attempts {
        let key = attempt.key.asked;
        // The charts are of the person's own accesses; attempts through a friend are alerts only.
        if let Some(day) = day_index(attempt.at, first_day_start, days)
            && attempt.key.via.is_none()
        {
            series_at(&mut series, (key.partner_id, key.category_id), days, &name_of).refused[day] += 1;
        }
    }
    let mut series: Vec<Series> = series.into_values().collect();
    series.sort_by(|a, b| {
        (b.total_refused(), b.total_allowed(), &a.partner_name).cmp(&(
            a.total_refused(),
            a.total_allowed(),
            &b.partner_name,
        ))
    });
    let attempts_after_end = attempts_in_words(store, &names, &attempts, now)
        .await?
        .into_iter()
        .map(|(_, words)| words)
        .collect();
    Ok(ActivityView {
        window,
        first_day: human_date(first_day_start),
        last_day: human_date(today_start),
        attempts_after_end,
        series,
    })
}

/// Refused attempts counted together per partner, access, end (and friend asked through), in
/// words, each with its partner's id: most attempts first.
async fn attempts_in_words(
    store: &Store,
    names: &Names,
    attempts: &[RefusedAttempt],
    now: i64,
) -> Result<Vec<(i64, AttemptsAfterEnd)>, StoreError> {
    let mut after_end: BTreeMap<EndedAccess, (i64, i64)> = BTreeMap::new();
    for attempt in attempts {
        let key = attempt.key.asked;
        let ended = (
            key.partner_id,
            key.category_id,
            key.access,
            attempt.ended_at,
            attempt.reason,
            attempt.key.via,
        );
        let slot = after_end.entry(ended).or_insert((0, attempt.at));
        slot.0 += 1;
        slot.1 = slot.1.max(attempt.at);
    }
    let friends: Vec<i64> = after_end.keys().filter_map(|ended| ended.5).collect();
    let friend_names = store.display_names(&friends).await?;
    let mut in_words: Vec<(i64, AttemptsAfterEnd)> = after_end
        .into_iter()
        .map(
            |((partner_id, category_id, access, ended_at, ended_by, via), (attempts, last))| {
                let (partner_name, mut category_noun) = names.of(partner_id, category_id);
                if via.is_some() {
                    category_noun = names
                        .seen_through
                        .get(&category_id)
                        .map(|e| e.shows)
                        .unwrap_or_default()
                        .to_owned();
                }
                let words = AttemptsAfterEnd {
                    partner_name,
                    category_noun,
                    access,
                    ended_by,
                    through: via.map(|id| friend_names.get(&id).cloned().unwrap_or_default()),
                    ended_on: human_date(ended_at),
                    attempts,
                    last_attempt_ago: time_ago(last, now),
                };
                (partner_id, words)
            },
        )
        .collect();
    in_words.sort_by(|(_, a), (_, b)| b.attempts.cmp(&a.attempts).then(a.partner_name.cmp(&b.partner_name)));
    Ok(in_words)
}

/// What partners did through the person's friends this week: how often each saw them through
/// each friend, and the attempts refused after the person said no, each with its partner's id.
pub async fn through_friends_this_week(
    store: &Store,
    user_id: i64,
    now: i64,
) -> Result<(Vec<(i64, String)>, Vec<(i64, AttemptsAfterEnd)>), StoreError> {
    let since = now - WEEK_MS;
    let names = Names::read(store).await?;
    let seen = store.seen_through_friends_since(user_id, since).await?;
    let friends: Vec<i64> = seen.iter().map(|s| s.via_user_id).collect();
    let friend_names = store.display_names(&friends).await?;
    let mut seen_in_words: Vec<(i64, String)> = seen
        .iter()
        .filter_map(|s| {
            let exposure = names.seen_through.get(&s.category_id)?;
            let (partner, _) = names.of(s.partner_id, s.category_id);
            let friend = friend_names.get(&s.via_user_id)?;
            Some((
                s.partner_id,
                seen_count_sentence(&partner, friend, exposure.seen_in, s.allowed),
            ))
        })
        .collect();
    seen_in_words.sort();
    let attempts: Vec<RefusedAttempt> = store
        .refused_attempts_of_user(user_id, since)
        .await?
        .into_iter()
        .filter(|attempt| attempt.key.via.is_some())
        .collect();
    Ok((seen_in_words, attempts_in_words(store, &names, &attempts, now).await?))
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
