//! `xsd:dateTime` values (RFC 7643 §2.3.5), parsed to an instant so that
//! offsets and fractional seconds compare correctly.

/// An instant in UTC: seconds since the Unix epoch plus nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    pub seconds: i64,
    pub nanos: u32,
}

impl Instant {
    /// Parses `YYYY-MM-DDThh:mm:ss[.fraction][Z|±hh:mm]`. Fractions of any
    /// length are accepted (Entra sends seven digits) and kept to nanoseconds;
    /// a missing offset means UTC.
    pub fn parse(text: &str) -> Option<Instant> {
        let b = text.as_bytes();
        let (neg, b) = match b.first() {
            Some(b'-') => (true, &b[1..]),
            _ => (false, b),
        };
        let dash = b.iter().position(|&c| c == b'-')?;
        if !(4..=9).contains(&dash) {
            return None;
        }
        let mut year = digits(&b[..dash])? as i64;
        if neg {
            year = -year;
        }
        let rest = &b[dash..];
        if rest.len() < 15 || rest[0] != b'-' || rest[3] != b'-' || !matches!(rest[6], b'T' | b't') {
            return None;
        }
        let month = digits(&rest[1..3])?;
        let day = digits(&rest[4..6])?;
        if rest[9] != b':' || rest[12] != b':' {
            return None;
        }
        let hour = digits(&rest[7..9])?;
        let minute = digits(&rest[10..12])?;
        let second = digits(&rest[13..15])?;
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 24
            || minute > 59
            || second > 59
        {
            return None;
        }
        if hour == 24 && (minute != 0 || second != 0) {
            return None;
        }
        let mut tail = &rest[15..];
        let mut nanos: u32 = 0;
        if let Some(b'.') = tail.first() {
            let len = tail[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if len == 0 {
                return None;
            }
            for (i, c) in tail[1..1 + len].iter().enumerate() {
                if i < 9 {
                    nanos = nanos * 10 + u32::from(c - b'0');
                }
            }
            for _ in len..9 {
                nanos *= 10;
            }
            tail = &tail[1 + len..];
        }
        let offset_seconds: i64 = match tail {
            [] | [b'Z'] | [b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let h = digits(&[*h1, *h2])? as i64;
                let m = digits(&[*m1, *m2])? as i64;
                if h > 14 || m > 59 {
                    return None;
                }
                let off = h * 3600 + m * 60;
                if *sign == b'+' {
                    off
                } else {
                    -off
                }
            }
            _ => return None,
        };
        let days = days_from_civil(year, month, day);
        let seconds =
            days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second) - offset_seconds;
        Some(Instant { seconds, nanos })
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |acc, c| acc * 10 + u32::from(c - b'0')))
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_offsets_agree() {
        let z = Instant::parse("2011-05-13T04:42:34Z").unwrap();
        let off = Instant::parse("2011-05-13T06:42:34+02:00").unwrap();
        assert_eq!(z, off);
        assert_eq!(Instant::parse("1970-01-01T00:00:00Z").unwrap(), Instant { seconds: 0, nanos: 0 });
    }

    #[test]
    fn entra_seven_digit_fractions_order_correctly() {
        let a = Instant::parse("2019-09-20T08:16:03.1234567Z").unwrap();
        let b = Instant::parse("2019-09-20T08:16:03.12346Z").unwrap();
        assert!(a < b);
        assert_eq!(a.nanos, 123_456_700);
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "2011-13-01T00:00:00Z",
            "2011-02-30T00:00:00Z",
            "2011-05-13",
            "2011-05-13T04:42:34.Z",
            "2011-05-13T04:42:34+2",
        ] {
            assert!(Instant::parse(bad).is_none(), "{bad}");
        }
    }
}
