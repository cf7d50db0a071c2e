//! The faults a learner can switch on, and their names (one table, used by the URL, the
//! JavaScript API and the controls).

use serde::{Deserialize, Serialize};

/// Which faults are switched on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Faults {
    /// Every database write fails.
    pub database_write: bool,
    /// The cache refuses writes (Redis at `maxmemory` with `noeviction`: HSET gets `OOM`).
    pub cache_write: bool,
    /// The application stops between its two writes, as if the page had crashed.
    pub crash_between: bool,
}

/// One fault: its name in URLs and in `lab.set_faults({...})`, the label the controls show, and
/// the switch in [`Faults`] it stands for.
#[derive(Clone, Copy, Debug)]
pub struct FaultName {
    pub name: &'static str,
    pub label: &'static str,
    pub get: fn(&Faults) -> bool,
    pub set: fn(&mut Faults, bool),
}

impl Faults {
    /// Every fault, in the order the controls list them.
    pub const NAMES: [FaultName; 3] = [
        FaultName {
            name: "database_write",
            label: "Database write fails",
            get: |f| f.database_write,
            set: |f, on| f.database_write = on,
        },
        FaultName {
            name: "cache_write",
            label: "Cache write fails",
            get: |f| f.cache_write,
            set: |f, on| f.cache_write = on,
        },
        FaultName {
            name: "crash_between",
            label: "Crash between the writes",
            get: |f| f.crash_between,
            set: |f, on| f.crash_between = on,
        },
    ];

    /// The faults whose names `is_on` answers true for.
    pub fn from_names(is_on: impl Fn(&str) -> bool) -> Faults {
        let mut faults = Faults::default();
        for fault in Faults::NAMES {
            (fault.set)(&mut faults, is_on(fault.name));
        }
        faults
    }

    /// The names of the faults switched on, in the table's order.
    pub fn names(&self) -> Vec<&'static str> {
        Faults::NAMES
            .iter()
            .filter(|fault| (fault.get)(self))
            .map(|fault| fault.name)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_for_every_combination() {
        for bits in 0..8u8 {
            let faults = Faults {
                database_write: bits & 1 != 0,
                cache_write: bits & 2 != 0,
                crash_between: bits & 4 != 0,
            };
            let names = faults.names();
            assert_eq!(Faults::from_names(|n| names.contains(&n)), faults);
        }
    }

    #[test]
    fn each_name_sets_only_its_own_switch() {
        for fault in Faults::NAMES {
            let faults = Faults::from_names(|n| n == fault.name);
            assert_eq!(faults.names(), [fault.name]);
        }
        assert_eq!(Faults::from_names(|n| n == "unknown"), Faults::default());
    }
}
