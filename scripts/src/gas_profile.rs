//! Where each measured operation's gas goes, from the devnode's own
//! accounting of the Stylus host path ([`devnode::stylus::profile`]): the
//! gas example's `--profile` table and the README's "where the gas goes"
//! table, generated from the same figures as `snapshots/gas.json`.

use std::fmt::Write as _;

use devnode::stylus::profile::{Profile, Tally};

/// Calldata gas of a transaction (EIP-2028: 4 per zero byte, 16 per other
/// byte; the chain does not apply the EIP-7623 floor) and its 21,000 base.
pub fn intrinsic(calldata: &[u8]) -> u64 {
    let data: u64 = calldata
        .iter()
        .map(|byte| if *byte == 0 { 4 } else { 16 })
        .sum();
    21_000 + data
}

/// One measured transaction and what its Stylus frames charged.
#[derive(Clone, Debug)]
pub struct Breakdown {
    /// The operation's name in `snapshots/gas.json`.
    pub name: &'static str,
    /// The transaction's `gasUsed` (refunds subtracted).
    pub gas_used: u64,
    /// Base and calldata gas.
    pub intrinsic: u64,
    /// The devnode's accounting of the transaction.
    pub profile: Profile,
}

impl Breakdown {
    /// The refund the transaction kept.
    pub fn refund(&self) -> u64 {
        self.profile.refund_applied(self.gas_used)
    }

    /// Gas the programs spent on ink: their compute and the fixed fee of
    /// each host call (what is left once every recorded cost is counted).
    pub fn ink(&self) -> i64 {
        self.gas_used as i64 + self.refund() as i64
            - self.intrinsic as i64
            - self.profile.charged() as i64
    }

    /// Storage reads, cold and warm.
    fn reads(&self) -> Tally {
        sum(&[self.profile.cold_reads, self.profile.warm_reads])
    }

    /// Storage writes of every kind.
    fn writes(&self) -> Tally {
        sum(&[
            self.profile.new_slots,
            self.profile.updated_slots,
            self.profile.rewritten_slots,
        ])
    }
}

fn sum(tallies: &[Tally]) -> Tally {
    tallies.iter().fold(Tally::default(), |a, b| Tally {
        count: a.count + b.count,
        gas: a.gas + b.gas,
    })
}

/// `n` with thousands separators.
fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn cell(tally: Tally) -> String {
    if tally.count == 0 {
        "–".into()
    } else {
        format!("{} ({})", thousands(tally.gas as i64), tally.count)
    }
}

/// A plain-text table, one line per operation and one column per kind of
/// cost (gas, and in parentheses how many times it was charged).
pub fn table(breakdowns: &[Breakdown]) -> String {
    let mut out = String::new();
    let header = [
        "operation",
        "gasUsed",
        "intrinsic",
        "entry",
        "init",
        "memory",
        "cold reads",
        "warm reads",
        "new slots",
        "updates",
        "rewrites",
        "calls",
        "events",
        "ink",
        "refund",
    ];
    let rows: Vec<Vec<String>> = breakdowns
        .iter()
        .map(|b| {
            let p = &b.profile;
            vec![
                b.name.to_string(),
                thousands(b.gas_used as i64),
                thousands(b.intrinsic as i64),
                cell(p.entry),
                cell(p.init),
                cell(p.memory),
                cell(p.cold_reads),
                cell(p.warm_reads),
                cell(p.new_slots),
                cell(p.updated_slots),
                cell(p.rewritten_slots),
                cell(p.calls),
                cell(p.events),
                thousands(b.ink()),
                thousands(-(b.refund() as i64)),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|row| row[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<String>, out: &mut String| {
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths[i] - cell.chars().count();
            if i == 0 {
                let _ = write!(out, "{cell}{}", " ".repeat(pad));
            } else {
                let _ = write!(out, "  {}{cell}", " ".repeat(pad));
            }
        }
        out.push('\n');
    };
    line(header.iter().map(|h| h.to_string()).collect(), &mut out);
    for row in rows {
        line(row, &mut out);
    }
    out.push_str(
        "(gas, and in parentheses how many times it was charged; entry: a cached program's \
         entry per call; calls: account access and value sent, the callee's gas counted in \
         its own columns; ink: the programs' compute and host-call fees)\n",
    );
    out
}

/// The marker lines around the generated table in README.md.
pub const README_START: &str =
    "<!-- gas profile: generated by `cargo run --release -p deploy --example gas -- --write` -->";
/// The line after the generated table.
pub const README_END: &str = "<!-- end of the gas profile -->";

/// The README's "where the gas goes" table of `names` (cached programs):
/// for each operation, the gas of each kind of cost as a share of the
/// whole.
pub fn readme_table(breakdowns: &[Breakdown], names: &[&str]) -> String {
    let mut out = String::from(
        "| operation | gasUsed | intrinsic | program entries | storage reads | storage writes | calls | events | ink (compute) | refund |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for name in names {
        let Some(b) = breakdowns.iter().find(|b| b.name == *name) else {
            continue;
        };
        let p = &b.profile;
        let entries = sum(&[p.entry, p.init, p.memory, p.return_data]);
        let reads = b.reads();
        let writes = b.writes();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} ({}) | {} ({} cold, {} warm) | {} ({} new, {} updated) | {} ({}) | {} ({}) | {} | {} |",
            b.name,
            thousands(b.gas_used as i64),
            thousands(b.intrinsic as i64),
            thousands(entries.gas as i64),
            p.entry.count,
            thousands(reads.gas as i64),
            p.cold_reads.count,
            p.warm_reads.count,
            thousands(writes.gas as i64),
            p.new_slots.count,
            p.updated_slots.count,
            thousands(p.calls.gas as i64),
            p.calls.count,
            thousands(p.events.gas as i64),
            p.events.count,
            thousands(b.ink()),
            if b.refund() == 0 {
                "–".to_string()
            } else {
                thousands(-(b.refund() as i64))
            },
        );
    }
    out
}

/// `readme` with the text between [`README_START`] and [`README_END`]
/// replaced by `table`, or `None` when the markers are missing.
pub fn splice_readme(readme: &str, table: &str) -> Option<String> {
    let start = readme.find(README_START)? + README_START.len();
    let end = readme[start..].find(README_END)? + start;
    Some(format!("{}\n{}{}", &readme[..start], table, &readme[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intrinsic_gas_counts_zero_and_other_bytes() {
        assert_eq!(intrinsic(&[]), 21_000);
        assert_eq!(intrinsic(&[0, 0, 1, 0xff]), 21_000 + 4 + 4 + 16 + 16);
    }

    #[test]
    fn the_parts_add_up_to_the_gas_used() {
        let profile = Profile {
            cold_reads: Tally {
                count: 2,
                gas: 4_200,
            },
            new_slots: Tally {
                count: 1,
                gas: 22_100,
            },
            ..Profile::default()
        };
        let breakdown = Breakdown {
            name: "op",
            gas_used: 60_000,
            intrinsic: 21_500,
            profile,
        };
        assert_eq!(breakdown.ink(), 60_000 - 21_500 - 4_200 - 22_100);
        assert_eq!(
            breakdown.intrinsic as i64 + breakdown.profile.charged() as i64 + breakdown.ink(),
            60_000
        );
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(-251_992), "-251,992");
    }

    #[test]
    fn the_readme_table_replaces_what_lies_between_the_markers() {
        let readme = format!("intro\n{README_START}\nold table\n{README_END}\nrest\n");
        let spliced = splice_readme(&readme, "new table\n").unwrap();
        assert_eq!(
            spliced,
            format!("intro\n{README_START}\nnew table\n{README_END}\nrest\n")
        );
        assert_eq!(splice_readme("no markers", "t"), None);
    }
}
