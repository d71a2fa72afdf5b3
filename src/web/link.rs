//! A link's query parameters, the way PhET's simulations take theirs:
//! `?scenario=ketamine_iv`, `?compare=baseline,ketamine_iv`, `?lecture`
//! (the built-in one) with `&cue=6` and `&student` or `&present`,
//! `&theme=light`, `&ui-scale=1.5`, `&evidence`, `&reduce-motion`,
//! `&view=cleft`. A bad parameter is named in a message and the page opens
//! on the default scenario rather than a blank canvas.

use crate::app::camera::Viewpoint;
use crate::app::{AppOptions, LectureOptions};
use crate::command::view::UiSettings;
use synapse_core::builtin;

/// What a link asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// A built-in scenario's name.
    pub scenario: String,
    /// `compare=A,B`: two built-in scenarios side by side.
    pub compare: Option<(String, String)>,
    /// The built-in lecture, at this cue (1-based), in presenter mode or student mode.
    pub lecture: Option<(usize, bool)>,
    pub view: Viewpoint,
    pub ui: UiSettings,
}

impl Default for Link {
    fn default() -> Self {
        Self { scenario: builtin::DEFAULT.to_string(), compare: None, lecture: None, view: Viewpoint::WholeSynapse, ui: UiSettings::default() }
    }
}

/// The parameters a link may carry, for the message about one it may not.
pub const PARAMETERS: &str = "scenario, compare, lecture, cue, student, present, theme, ui-scale, evidence, reduce-motion, view";

/// Read a query string (`?a=b&c`, with or without the `?`). On any bad
/// parameter: the default link, and one message per problem.
pub fn parse(query: &str) -> (Link, Vec<String>) {
    let mut link = Link::default();
    let mut problems = Vec::new();
    let (mut cue, mut lecture, mut presenter) = (None, false, None);
    for pair in query.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
        let (key, value) = match pair.split_once('=') {
            Some((k, v)) => (decode(k), Some(decode(v))),
            None => (decode(pair), None),
        };
        let value_of = |what: &str| value.clone().filter(|v| !v.is_empty()).ok_or_else(|| format!("{key}: give {what}, as in ?{key}={}", example(&key)));
        let outcome: Result<(), String> = (|| {
            match key.as_str() {
                "scenario" => link.scenario = scenario_name(&value_of("a built-in scenario")?)?,
                "compare" => {
                    let v = value_of("two built-in scenarios")?;
                    let Some((a, b)) = v.split_once(',') else { return Err(format!("compare={v}: name two scenarios, as in ?compare=baseline,ketamine_iv")) };
                    link.compare = Some((scenario_name(a)?, scenario_name(b)?));
                }
                "lecture" => lecture = true,
                "cue" => {
                    let v = value_of("a cue number")?;
                    cue = Some(v.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| format!("cue={v}: give a cue number from 1, as in ?lecture&cue=6"))?);
                }
                "student" => presenter = Some(false),
                "present" => presenter = Some(true),
                "theme" => {
                    link.ui.dark = match value_of("dark or light")?.as_str() {
                        "dark" => true,
                        "light" => false,
                        v => return Err(format!("theme={v}: use dark or light")),
                    }
                }
                "ui-scale" => {
                    let v = value_of("a scale")?;
                    link.ui.scale = v.parse::<f32>().ok().filter(|s| (0.75..=2.5).contains(s)).ok_or_else(|| format!("ui-scale={v}: use a value from 0.75 to 2.5"))?;
                }
                "evidence" => link.ui.show_evidence = true,
                "reduce-motion" => link.ui.reduce_motion = true,
                "view" => {
                    let v = value_of("a viewpoint")?;
                    link.view = Viewpoint::from_key(&v).ok_or_else(|| format!("view={v}: use whole, cleft, receptor, astrocyte, signalling or dendrite"))?;
                }
                _ => return Err(format!("{key}: not a parameter of Synapse Lab's links (they are {PARAMETERS})")),
            }
            Ok(())
        })();
        if let Err(e) = outcome {
            problems.push(e);
        }
    }
    if cue.is_some() && !lecture && presenter.is_none() {
        problems.push("cue: only with the lecture, as in ?lecture&cue=6".into());
    }
    if lecture || presenter.is_some() {
        let n = crate::lecture::Loaded::builtin().lecture.cues.len();
        let cue = cue.unwrap_or(1);
        if cue > n {
            problems.push(format!("cue={cue}: the lecture has cues 1 to {n}"));
        }
        if link.compare.is_some() || query.contains("scenario=") {
            problems.push("lecture: its cues choose the scenarios; leave out scenario and compare".into());
        }
        // As `synapse-lab lecture`: presenter mode unless the link says student.
        link.lecture = Some((cue, presenter.unwrap_or(true)));
    }
    if problems.is_empty() { (link, problems) } else { (Link::default(), problems) }
}

/// The app's options for a link, in a page of `size` (points).
pub fn options(link: &Link, size: (u32, u32)) -> Result<AppOptions, String> {
    let load = |name: &str| builtin::resolve(name).map_err(|e| e.to_string());
    let mut ui = link.ui.clone();
    let Some((cue, presenter)) = link.lecture else {
        let (scenario, source) = load(&link.scenario)?;
        let compare = link.compare.as_ref().map(|(a, b)| Ok::<_, String>((load(a)?, load(b)?))).transpose()?;
        return Ok(match compare {
            Some(((a, a_source), b)) => AppOptions { compare: Some(b), ..AppOptions::new(a, a_source, size, link.view, ui) },
            None => AppOptions::new(scenario, source, size, link.view, ui),
        });
    };
    let loaded = crate::lecture::Loaded::builtin();
    let (scenario, source) = loaded.first_scenario();
    if presenter {
        ui = crate::app::lecture::presenter_settings(&ui, None);
    }
    let lecture = LectureOptions { loaded, cue: cue - 1, presenter, pace: crate::lecture::runner::Pace::Live, console: false, timeline: None };
    Ok(AppOptions { lecture: Some(lecture), ..AppOptions::new(scenario, source, size, Viewpoint::WholeSynapse, ui) })
}

/// A built-in scenario's name, or why not (a page cannot open files by path).
fn scenario_name(name: &str) -> Result<String, String> {
    match builtin::get(name) {
        Some(_) => Ok(name.to_string()),
        None => Err(format!("{name}: not a built-in scenario (they are {}); open your own file with Open file… in the Scenario panel", builtin::names().join(", "))),
    }
}

fn example(key: &str) -> &'static str {
    match key {
        "scenario" => "ketamine_iv",
        "cue" => "6",
        "theme" => "light",
        "ui-scale" => "1.5",
        "view" => "cleft",
        _ => "…",
    }
}

/// Percent-decoding of a query component (`+` is a space; a `%` not
/// followed by two hex digits stays as it is).
fn decode(text: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
            (b'+', _, _) => out.push(b' '),
            (b, _, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lecturers_link_opens_cue_six_in_presenter_mode() {
        let (link, problems) = parse("?lecture&cue=6&theme=light&ui-scale=1.5");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(link.lecture, Some((6, true)));
        assert!(!link.ui.dark);
        assert_eq!(link.ui.scale, 1.5);
        let o = options(&link, (1280, 720)).unwrap();
        let l = o.lecture.unwrap();
        assert_eq!((l.cue, l.presenter), (5, true));
        assert!(o.ui.presenting);
        assert_eq!(parse("lecture&student").0.lecture, Some((1, false)));
    }

    #[test]
    fn scenarios_comparisons_and_looks() {
        let (link, problems) = parse("scenario=ketamine_iv&view=cleft&evidence&reduce-motion");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!((link.scenario.as_str(), link.view), ("ketamine_iv", Viewpoint::CleftCloseUp));
        assert!(link.ui.show_evidence && link.ui.reduce_motion);
        let o = options(&link, (800, 600)).unwrap();
        assert_eq!(o.scenario.name, builtin::get("ketamine_iv").unwrap().name);
        let (link, _) = parse("compare=baseline%2Cketamine_iv");
        let o = options(&link, (800, 600)).unwrap();
        assert_eq!(o.scenario.name, builtin::get("baseline").unwrap().name);
        assert_eq!(o.compare.unwrap().0.name, builtin::get("ketamine_iv").unwrap().name);
        assert_eq!(parse("").0, Link::default());
    }

    #[test]
    fn a_bad_parameter_is_named_and_the_default_opens() {
        for (query, says) in [
            ("scenario=nonesuch", "nonesuch: not a built-in scenario"),
            ("theme=blue", "theme=blue: use dark or light"),
            ("ui-scale=9", "ui-scale=9: use a value from 0.75 to 2.5"),
            ("lecture&cue=99", "the lecture has cues 1 to"),
            ("lecture&cue=0", "cue=0: give a cue number from 1"),
            ("cue=3", "only with the lecture"),
            ("view=top", "view=top: use whole, cleft"),
            ("compare=baseline", "name two scenarios"),
            ("zoom=2", "zoom: not a parameter"),
            ("scenario", "scenario: give a built-in scenario"),
        ] {
            let (link, problems) = parse(query);
            assert_eq!(link, Link::default(), "{query}");
            assert!(problems.iter().any(|p| p.contains(says)), "{query}: {problems:?}");
        }
        assert_eq!(decode("a%20b+c%2"), "a b c%2");
    }
}
