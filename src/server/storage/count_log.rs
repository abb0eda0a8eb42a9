//! The decision counts of each second, appended to a plain file beside a SQLite store: what a
//! crash of the app would otherwise lose of the counts not yet folded into the counts table.
//!
//! Why a file and not a table: under load nearly every counted decision is a key of its own
//! (user × partner × category × access × hour), so adding a second's counts to the table
//! rewrites tens of thousands of pages spread over all of it. Appending them here writes only
//! their bytes; they reach the table in large sorted folds (see `recent_counts`).
//!
//! The log comes in generations, `<store>.counts.log.<n>`: a fold covers every generation up to
//! one, and records that number in the same transaction as the counts it adds. Generations at
//! or below that number are never read again, so a crash between the fold and the removal of
//! its files counts nothing twice. A line cut short by a crash is skipped.

use super::activity::{AccessKey, HourTally};
use crate::domain::access::Access;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// One counted key: an access of a user in an hour.
pub type CountedHour = (AccessKey, i64, HourTally);

pub struct CountLog {
    /// `<store>.counts.log`; generation `n` is that with `.n` after it.
    stem: PathBuf,
    generation: u64,
    file: File,
    /// The text of one append, its memory kept for the next (a second's worth is megabytes).
    text: String,
}

/// The log's name beside the store file `consent.db`: `consent.counts.log`.
pub fn log_stem(store_file: &Path) -> PathBuf {
    store_file.with_extension("counts.log")
}

pub(super) fn generation_file(stem: &Path, generation: u64) -> PathBuf {
    let mut name = stem.as_os_str().to_owned();
    name.push(format!(".{generation}"));
    PathBuf::from(name)
}

/// The generations of the log that exist, oldest first.
pub fn generations(stem: &Path) -> std::io::Result<Vec<u64>> {
    let folder = match stem.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    let prefix = format!("{}.", stem.file_name().unwrap_or_default().to_string_lossy());
    let mut found: Vec<u64> = std::fs::read_dir(folder)?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.strip_prefix(&prefix)?.parse().ok()
        })
        .collect();
    found.sort_unstable();
    Ok(found)
}

/// Every record of one generation of a log of lines; lines `parse` refuses are skipped (a line
/// cut short by a crash is one).
pub(super) fn read_records<T>(stem: &Path, generation: u64, parse: fn(&str) -> Option<T>) -> std::io::Result<Vec<T>> {
    let file = File::open(generation_file(stem, generation))?;
    let mut records = Vec::new();
    for line in BufReader::new(file).lines() {
        if let Some(record) = parse(&line?) {
            records.push(record);
        }
    }
    Ok(records)
}

/// Every record in the generations newer than `after` (what a table's marker says it holds),
/// oldest first, and the newest generation read (`after` if none): what an earlier run logged
/// and never put in the table. Read on a blocking thread.
pub(super) async fn records_after<T: Send + 'static>(
    stem: &Path,
    after: u64,
    parse: fn(&str) -> Option<T>,
) -> std::io::Result<(Vec<T>, u64)> {
    let stem = stem.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut records = Vec::new();
        let mut newest = after;
        for generation in generations(&stem)?.into_iter().filter(|g| *g > after) {
            records.extend(read_records(&stem, generation, parse)?);
            newest = generation;
        }
        Ok((records, newest))
    })
    .await
    .unwrap_or_else(|panicked| Err(std::io::Error::other(panicked)))
}

/// The generation a log opened after `after` starts with: newer than any file already there,
/// so a generation is never reused.
pub(super) fn next_generation(stem: &Path, after: u64) -> std::io::Result<u64> {
    Ok(generations(stem)?.last().copied().unwrap_or(0).max(after) + 1)
}

pub fn remove_through(stem: &Path, generation: u64) -> std::io::Result<()> {
    for old in generations(stem)?.into_iter().filter(|g| *g <= generation) {
        std::fs::remove_file(generation_file(stem, old))?;
    }
    Ok(())
}

impl CountLog {
    /// Starts a new generation after `after` (and after every generation already there).
    pub fn open(stem: PathBuf, after: u64) -> std::io::Result<Self> {
        let generation = next_generation(&stem, after)?;
        let file = open_generation(&stem, generation)?;
        Ok(CountLog {
            stem,
            generation,
            file,
            text: String::new(),
        })
    }

    pub fn stem(&self) -> &Path {
        &self.stem
    }

    /// Appends counts in one write, handed to the operating system before this returns.
    pub fn append(&mut self, counts: &[CountedHour]) -> std::io::Result<()> {
        self.text.clear();
        for counted in counts {
            write_line(&mut self.text, counted);
        }
        self.file.write_all(self.text.as_bytes())
    }

    /// Ends the current generation and starts the next; returns the one ended.
    pub fn rotate(&mut self) -> std::io::Result<u64> {
        let next = open_generation(&self.stem, self.generation + 1)?;
        self.file = next;
        self.generation += 1;
        Ok(self.generation - 1)
    }
}

pub(super) fn open_generation(stem: &Path, generation: u64) -> std::io::Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(generation_file(stem, generation))
}

/// `user partner category access hour allowed denied last-allowed-or-dash`, one line per key.
fn write_line(text: &mut String, (key, hour_start, tally): &CountedHour) {
    use std::fmt::Write as _;
    let _ = write!(
        text,
        "{} {} {} {} {hour_start} {} {} ",
        key.user_id,
        key.partner_id,
        key.category_id,
        key.access.as_str(),
        tally.allowed,
        tally.denied
    );
    let _ = match tally.last_allowed_at {
        Some(at) => writeln!(text, "{at}"),
        None => writeln!(text, "-"),
    };
}

pub(super) fn parse_line(line: &str) -> Option<CountedHour> {
    let mut fields = line.split(' ');
    let mut number = || fields.next()?.parse::<i64>().ok();
    let (user_id, partner_id, category_id) = (number()?, number()?, number()?);
    let access = Access::parse(fields.next()?).ok()?;
    let mut number = || fields.next()?.parse::<i64>().ok();
    let (hour_start, allowed, denied) = (number()?, number()?, number()?);
    let last_allowed_at = match fields.next()? {
        "-" => None,
        at => Some(at.parse().ok()?),
    };
    if fields.next().is_some() {
        return None;
    }
    let key = AccessKey {
        user_id,
        partner_id,
        category_id,
        access,
    };
    Some((
        key,
        hour_start,
        HourTally {
            allowed,
            denied,
            last_allowed_at,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(user_id: i64, allowed: i64, last: Option<i64>) -> CountedHour {
        let key = AccessKey {
            user_id,
            partner_id: 2,
            category_id: 3,
            access: Access::Write,
        };
        let tally = HourTally {
            allowed,
            denied: 1,
            last_allowed_at: last,
        };
        (key, 7_200_000, tally)
    }

    #[test]
    fn counts_come_back_as_written_across_generations_and_a_torn_line_is_skipped() {
        let folder = std::env::temp_dir().join(format!("wcs-count-log-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).unwrap();
        let stem = log_stem(&folder.join("consent.db"));
        let mut log = CountLog::open(stem.clone(), 0).unwrap();
        log.append(&[counted(1, 5, Some(42)), counted(2, 0, None)]).unwrap();
        assert_eq!(log.rotate().unwrap(), 1);
        log.append(&[counted(3, 1, Some(9))]).unwrap();
        // A crash in the middle of a write leaves part of a line.
        log.file.write_all(b"4 2 3 wri").unwrap();
        assert_eq!(generations(&stem).unwrap(), vec![1, 2]);
        assert_eq!(
            read_records(&stem, 1, parse_line).unwrap(),
            vec![counted(1, 5, Some(42)), counted(2, 0, None)]
        );
        assert_eq!(
            read_records(&stem, 2, parse_line).unwrap(),
            vec![counted(3, 1, Some(9))]
        );

        remove_through(&stem, 1).unwrap();
        assert_eq!(generations(&stem).unwrap(), vec![2]);
        // A new log never reuses a generation already folded or still on disk.
        assert_eq!(CountLog::open(stem.clone(), 5).unwrap().generation, 6);
        assert_eq!(CountLog::open(stem.clone(), 0).unwrap().generation, 7);
        let _ = std::fs::remove_dir_all(&folder);
    }
}
