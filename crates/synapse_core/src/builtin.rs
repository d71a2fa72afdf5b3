//! The scenarios built into the binary: every file of `assets/scenarios/`,
//! by name, so that an installed `synapse-lab` works from any folder and
//! `--scenario ketamine_iv` means the same file everywhere.

use crate::scenario::{Scenario, ScenarioError};
use std::path::Path;

/// (name, file text) of each built-in scenario, fast-clock ones first.
pub const SCENARIOS: &[(&str, &str)] = &[
    ("single_spike", include_str!("../../../assets/scenarios/single_spike.ron")),
    ("train_20hz", include_str!("../../../assets/scenarios/train_20hz.ron")),
    ("mg_free", include_str!("../../../assets/scenarios/mg_free.ron")),
    ("depolarised", include_str!("../../../assets/scenarios/depolarised.ron")),
    ("nmda_rich", include_str!("../../../assets/scenarios/nmda_rich.ron")),
    ("dendrite", include_str!("../../../assets/scenarios/dendrite.ron")),
    ("dendrite_stressed", include_str!("../../../assets/scenarios/dendrite_stressed.ron")),
    ("baseline", include_str!("../../../assets/scenarios/baseline.ron")),
    ("ketamine_iv", include_str!("../../../assets/scenarios/ketamine_iv.ron")),
    ("ketamine_rodent", include_str!("../../../assets/scenarios/ketamine_rodent.ron")),
    ("esketamine_84mg", include_str!("../../../assets/scenarios/esketamine_84mg.ron")),
    ("ketamine_nbqx", include_str!("../../../assets/scenarios/ketamine_nbqx.ron")),
    ("ketamine_rapamycin", include_str!("../../../assets/scenarios/ketamine_rapamycin.ron")),
    ("ketamine_lithium", include_str!("../../../assets/scenarios/ketamine_lithium.ron")),
    ("memantine", include_str!("../../../assets/scenarios/memantine.ron")),
    ("rapastinel", include_str!("../../../assets/scenarios/rapastinel.ron")),
    ("nitrous_oxide", include_str!("../../../assets/scenarios/nitrous_oxide.ron")),
    ("ketamine_escitalopram", include_str!("../../../assets/scenarios/ketamine_escitalopram.ron")),
    ("ketamine_six_infusions", include_str!("../../../assets/scenarios/ketamine_six_infusions.ron")),
    ("esketamine_twice_weekly", include_str!("../../../assets/scenarios/esketamine_twice_weekly.ron")),
    ("stressed_ketamine", include_str!("../../../assets/scenarios/stressed_ketamine.ron")),
    ("stressed_ketamine_rapamycin", include_str!("../../../assets/scenarios/stressed_ketamine_rapamycin.ron")),
    ("stressed", include_str!("../../../assets/scenarios/stressed.ron")),
];

/// The scenario the app and the commands use when none is given.
pub const DEFAULT: &str = "single_spike";

/// The file name a built-in scenario is reported under.
pub fn file_name(name: &str) -> String {
    format!("assets/scenarios/{name}.ron")
}

/// A built-in scenario by name (`ketamine_iv`, or `ketamine_iv.ron`).
pub fn get(name: &str) -> Option<Scenario> {
    let key = name.strip_suffix(".ron").unwrap_or(name);
    let (n, text) = SCENARIOS.iter().find(|(n, _)| *n == key)?;
    Some(Scenario::from_ron(text, &file_name(n)).expect("built-in scenarios are valid (tested)"))
}

/// The names of the built-in scenarios, for messages.
pub fn names() -> Vec<&'static str> {
    SCENARIOS.iter().map(|(n, _)| *n).collect()
}

/// `--scenario ARG`: a file if one exists at that path, else a built-in
/// scenario by name. Returns the scenario and where it came from.
pub fn resolve(arg: &str) -> Result<(Scenario, String), ScenarioError> {
    let path = Path::new(arg);
    if path.is_file() {
        return Ok((Scenario::load(path)?, arg.to_string()));
    }
    // `assets/scenarios/NAME.ron` outside the repository: the built-in copy.
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or(arg);
    let looks_like_name = !arg.contains('/') || arg.starts_with("assets/scenarios/");
    if looks_like_name && let Some(s) = get(stem) {
        return Ok((s, file_name(stem)));
    }
    Err(ScenarioError::Io { file: arg.to_string(), message: format!("no such file, and no built-in scenario of that name (built in: {}; `synapse-lab scenarios` lists them)", names().join(", ")) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_scenario_is_built_in_and_valid() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/scenarios");
        let mut files: Vec<String> = std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()).map(|e| e.path().file_stem().unwrap().to_string_lossy().into_owned()).collect();
        files.sort();
        let mut built: Vec<String> = names().iter().map(|s| s.to_string()).collect();
        built.sort();
        assert_eq!(files, built, "assets/scenarios and builtin::SCENARIOS differ");
        for n in names() {
            assert!(get(n).is_some(), "{n}");
        }
    }

    #[test]
    fn names_and_repository_paths_resolve_anywhere() {
        let (s, from) = resolve("ketamine_iv").unwrap();
        assert_eq!(from, "assets/scenarios/ketamine_iv.ron");
        assert!(!s.drugs.is_empty());
        assert!(resolve("no_such_scenario").unwrap_err().to_string().contains("single_spike"));
    }
}
