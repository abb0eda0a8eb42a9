//! Time as the store keeps it (Unix milliseconds) and as people read it.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

fn at(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// "14 Mar 2016".
pub fn human_date(ms: i64) -> String {
    at(ms)
        .format(format_description!("[day padding:none] [month repr:short] [year]"))
        .unwrap_or_default()
}

/// "14 Mar 2016, 09:30 UTC".
pub fn human_date_time(ms: i64) -> String {
    at(ms)
        .format(format_description!(
            "[day padding:none] [month repr:short] [year], [hour]:[minute] UTC"
        ))
        .unwrap_or_default()
}

/// "09:30:05 UTC" for an instant today, "14 Mar 2016, 09:30 UTC" for any other.
pub fn human_time(ms: i64) -> String {
    if at(ms).date() != at(now_ms()).date() {
        return human_date_time(ms);
    }
    at(ms)
        .format(format_description!("[hour]:[minute]:[second] UTC"))
        .unwrap_or_default()
}

/// "2016-03-14T09:30:00Z", for machines.
pub fn rfc3339(ms: i64) -> String {
    at(ms).format(&Rfc3339).unwrap_or_default()
}

/// Milliseconds of a calendar date at noon UTC, for demo data.
pub fn date_ms(year: i32, month: u8, day: u8) -> i64 {
    let month = time::Month::try_from(month).unwrap_or(time::Month::January);
    let date = time::Date::from_calendar_date(year, month, day).unwrap_or(time::Date::MIN);
    date.with_hms(12, 0, 0)
        .map(|d| d.assume_utc().unix_timestamp() * 1000)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_like_a_person_writes_them() {
        let ms = date_ms(2016, 3, 14);
        assert_eq!(human_date(ms), "14 Mar 2016");
        assert_eq!(rfc3339(ms), "2016-03-14T12:00:00Z");
    }
}
