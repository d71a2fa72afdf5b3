//! The panels (egui), one file each in this folder: the clock bars, compare,
//! stimulation, drugs, scenario files, view settings, the plots, the legend
//! and the selected object's kinetic state. This file owns the UI plugin and
//! the system that lays the panels out, splits the 3D view between the
//! instances and draws the labels.
//!
//! Each panel is a function of a plain view model that returns the actions
//! the user took (`AppCommand`s), so panels are tested with egui_kittest
//! without Bevy or a GPU; the systems here only move data between the ECS
//! and the view models, and size the 3D viewport to the space left.

mod compare;
mod dendrite;
mod drugs;
mod evidence;
mod legend;
mod playback;
mod plots;
mod scenario;
mod selection;
mod stimulation;
mod view;

pub use compare::{CompareView, compare_panel, half_title};
pub use dendrite::dendrite_panel;
pub use drugs::{ClinicTable, DoseJob, DrugView, clinic_panel, dose_panel, drugs_panel, sweep_target};
pub use evidence::{EvidenceJob, evidence_panel, evidence_window};
pub use playback::{LensView, PlaybackView, lag_text, playback_bar, slow_speed_text, speed_text, time_lens_bar};
pub use plots::{PlotId, Shown, plots as fast_plots, printed, save_figure};
pub use scenario::{Dialog, FileAction, ScenarioView, handle_file, scenario_panel};
pub use stimulation::{StimView, stimulation_panel};
pub use view::{ViewCommand, view_commands, view_panel};

use super::palette;
use super::scene::{Labels, Selectable};
use super::shared::{InInstance, Selection, Settings, ViewRect};
use super::sim_bridge::{AppCommand, Instances, Playback, SimState, Slot, Target, differences};
use super::time_lens::SlowClock;
use bevy::camera::Viewport;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use synapse_core::pharmacology::Catalogue;

pub use crate::command::view::UiSettings;

/// The UI plugin; `settings` are the starting theme and scale.
pub struct UiPlugin {
    pub settings: UiSettings,
}

/// The built-in drug catalogue.
#[derive(Resource)]
pub struct DrugCatalogue(pub Catalogue);

/// The clocks' caption an export burns into its frames (title, fast and
/// slow time), drawn with the user's caption.
#[derive(Resource, Default, Debug, Clone, PartialEq)]
pub struct ClockCaption {
    pub text: Option<String>,
}

/// The characters the panels, plots and captions use.
const GLYPHS: &str = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~×µ−–—…°±²³⁺⁻→←↑↓·≈≤≥Δα-ωβγκτ";

/// Everything the UI system keeps between frames.
#[derive(Resource, Default)]
pub struct UiState {
    pub scenario: ScenarioView,
    drugs: Option<DrugView>,
    stim: Option<StimView>,
    /// The caption shown at the bottom of the 3D view (`AppCommand::Caption`).
    pub caption: Option<String>,
    /// The open or save dialog, while it is open.
    dialog: Option<scenario::Dialog>,
    /// The instance the panels showed last and its generation.
    shown: Option<(Entity, u64)>,
    applied: Option<(bool, f32)>,
    /// The font atlas holds every glyph (laid out in the first frame).
    glyphs_warm: bool,
    /// Where the last saved figure went (or why it was not saved).
    figure_message: Option<String>,
    /// Overlays drawn after the panels (the Record button and its badge),
    /// as last drawn: the title row keeps room for them, the labels clear of them.
    pub overlays: Vec<egui::Rect>,
    /// Where the title row kept that room (its right-top corner); none without the clock bars.
    pub overlay_slot: Option<egui::Pos2>,
    /// The first-run hint over the 3D view (the explorer in a window, until dismissed).
    pub first_hint: bool,
}

impl Plugin for UiPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(Settings(self.settings.clone()));
        let catalogue = Catalogue::builtin().unwrap_or_else(|e| {
            // The files are built in and tested; say so rather than panic.
            eprintln!("warning: the drug catalogue could not be read: {e}");
            Catalogue::default()
        });
        app.insert_resource(DrugCatalogue(catalogue))
            .init_resource::<ClinicTable>()
            .init_resource::<UiState>()
            .init_resource::<ViewRect>()
            .init_resource::<ClockCaption>()
            .init_resource::<DoseJob>()
            .init_resource::<EvidenceJob>()
            .add_systems(EguiPrimaryContextPass, ui_system)
            .add_systems(Update, view::view_commands.in_set(super::sim_bridge::AppSystems::Commands));
    }
}

/// Panel commands address "the panels' target"; send them where the
/// comparison panel points (A alone when not comparing).
fn retarget(c: AppCommand, target: Target) -> AppCommand {
    match c {
        AppCommand::Sim(_, cmd) => AppCommand::Sim(super::sim_bridge::target_of(&cmd, target), cmd),
        AppCommand::LoadScenario { scenario, source, .. } => AppCommand::LoadScenario { target, scenario, source },
        other @ (AppCommand::Playback(_)
        | AppCommand::Slow(_)
        | AppCommand::Compare(_)
        | AppCommand::Camera(_)
        | AppCommand::View(_)
        | AppCommand::Select(_)
        | AppCommand::SaveScenario { .. }
        | AppCommand::Caption(_)
        | AppCommand::Lecture(_)) => other,
    }
}

/// What one frame of the panels is drawn from: the instances' experiments
/// (A, B when comparing, and the one the panels act on), what B differs in,
/// and the viewer's settings.
struct Frame<'a> {
    a: &'a SimState,
    b: Option<&'a SimState>,
    /// The instance the panels show and act on (A, or B when they address B alone).
    shown: &'a SimState,
    differences: &'a [String],
    settings: &'a UiSettings,
    /// How much of the fast clock the plots show (follows the playback speed).
    plot_window_ms: f64,
}

/// Lays the panels out, gives the 3D view what they leave (split in two
/// when comparing), draws the labels, titles and caption over it, and sends
/// what the user did as `AppCommand`s.
pub fn ui_system(
    mut contexts: EguiContexts,
    settings: Res<Settings>,
    mut ui_state: ResMut<UiState>,
    states: Query<(Entity, &SimState, &Slot, Option<&Labels>)>,
    (instances, playback, clock): (Res<Instances>, Res<Playback>, Res<SlowClock>),
    selection: Res<Selection>,
    mut actions: MessageWriter<AppCommand>,
    mut cameras: Query<(&mut Camera, &mut Projection, &GlobalTransform, &InInstance), With<Camera3d>>,
    // The UI camera's target: the window, or the image an export draws into.
    surface: Query<&Camera, (With<bevy_egui::PrimaryEguiContext>, Without<Camera3d>)>,
    clock_caption: Res<ClockCaption>,
    mut clear: ResMut<ClearColor>,
    mut view_rect: ResMut<ViewRect>,
    catalogue: Res<DrugCatalogue>,
    mut dose: ResMut<DoseJob>,
    mut clinic: ResMut<ClinicTable>,
    mut evidence: ResMut<EvidenceJob>,
) -> Result {
    dose.poll();
    evidence.poll();
    let Ok((_, a_state, _, _)) = states.get(instances.a) else { return Ok(()) };
    let b_state = instances.b.and_then(|b| states.get(b).ok()).map(|(_, s, _, _)| s);
    let differences = b_state.map(|b| differences(a_state, b)).unwrap_or_default();
    let f = Frame {
        a: a_state,
        b: b_state,
        shown: states.get(instances.shown()).map(|(_, s, _, _)| s).unwrap_or(a_state),
        differences: &differences,
        settings: &settings,
        plot_window_ms: plots::window_ms(playback.bio_us_per_s),
    };
    let ctx = contexts.ctx_mut()?.clone();
    let ui_state = &mut *ui_state;
    prepare(&ctx, ui_state, &f, (instances.shown(), f.shown.generation), &mut clear);

    let mut root = egui::Ui::new(ctx.clone(), "root".into(), egui::UiBuilder::new().layer_id(egui::LayerId::background()).max_rect(ctx.viewport_rect()));
    let mut out: Vec<AppCommand> = Vec::new();
    ui_state.overlay_slot = None;
    let top = if settings.show_top_bar {
        egui::Panel::top("playback").show(&mut root, |ui| out.extend(top_bar(ui, ui_state, &f, &playback, &clock))).response.rect.height()
    } else if settings.presenting {
        // Presenter mode keeps a slim band for the cue's title (drawn by the lecture).
        presenter_band(ctx.viewport_rect().height())
    } else {
        0.0
    };
    // The stage alone (panels hidden) keeps the clock bars and a caption.
    let controls = settings.show_panels && settings.show_controls;
    // A small window (a projector at 1024x768 and UI scale 1.5) keeps the 3D view
    // at least half its width: the side panels narrow, the legend keeps its colours only.
    let screen = ctx.viewport_rect();
    let bottom = if controls { egui::Panel::bottom("legend").show(&mut root, |ui| legend::legend(ui, screen.height() < 700.0)).response.rect.height() } else { 0.0 };
    let left = if controls {
        egui::Panel::left("controls")
            .default_size(260.0f32.min(screen.width() * 0.24))
            .max_size(screen.width() * 0.24)
            .show(&mut root, |ui| {
                let selected = selection.0.zip(selection.1.and_then(|e| states.get(e).ok()).map(|(_, s, slot, _)| (s, *slot)));
                let tables = Tables { catalogue: &catalogue.0, dose: &mut dose, clinic: &mut clinic, evidence: &mut evidence };
                egui::ScrollArea::vertical().show(ui, |ui| out.extend(controls_panel(ui, ui_state, &f, &instances, selected, tables)));
            })
            .response
            .rect
            .width()
    } else {
        0.0
    };
    let shown_slot = states.get(instances.shown()).map(|(_, _, s, _)| *s).unwrap_or(Slot::A);
    let right = plots_panel(&mut root, ui_state, &f, top, selection.0, shown_slot, &mut out);

    // The 3D view gets what the panels leave; a comparison splits it in two
    // side by side, A on the left.
    let all = egui::Rect::from_min_max(egui::pos2(left, top), ctx.viewport_rect().max - egui::vec2(right, bottom));
    let halves: Vec<(Entity, Slot, egui::Rect)> = match instances.b {
        Some(b) => {
            let mid = all.center().x;
            vec![(instances.a, Slot::A, all.with_max_x(mid - 1.0)), (b, Slot::B, all.with_min_x(mid + 1.0))]
        }
        None => vec![(instances.a, Slot::A, all)],
    };
    *view_rect = ViewRect { all: Some(all), parts: halves.iter().map(|(e, _, r)| (*e, *r)).collect() };
    if ui_state.first_hint {
        ui_state.first_hint = first_hint(&ctx, all);
    }
    let Some((full, scale)) = surface.single().ok().and_then(|c| Some((c.physical_target_size()?, c.target_scaling_factor()?))) else { return Ok(()) };
    let zoom = ctx.zoom_factor();
    // Over the panels but under every window (a cue's calculator, the help, a dialog).
    let painter = ctx.layer_painter(egui::LayerId::new(egui::Order::Background, "labels".into()));
    let color = if settings.dark { egui::Color32::from_gray(235) } else { egui::Color32::from_gray(20) };
    let caption: Vec<&str> = ui_state.caption.iter().filter(|_| settings.show_captions).chain(clock_caption.text.iter()).map(|s| s.as_str()).collect();
    let caption_band = caption_band(&ctx, &caption, all, &settings, color);
    for (mut cam, mut projection, cam_transform, of) in &mut cameras {
        let Some(&(root_e, slot, rect)) = halves.iter().find(|(e, _, _)| *e == of.0) else {
            // An instance not on screen any more: its camera draws nothing.
            cam.is_active = false;
            continue;
        };
        fit_camera(&mut cam, &mut projection, rect, all, full, scale * zoom);
        let Ok((_, st, _, labels)) = states.get(root_e) else { continue };
        let painter = painter.with_clip_rect(rect);
        // What labels must not cover: the half's title and the caption band.
        let mut taken: Vec<egui::Rect> = caption_band.iter().map(|(band, _)| *band).chain(ui_state.overlays.iter().copied()).collect();
        if f.b.is_some() {
            taken.push(half_title_over(&painter, &ctx, &f, slot, st, rect, color));
        }
        // Labels need room: in a view narrower than this they would only cover it.
        // In a comparison they name the structures once, in A's half.
        const MIN_LABEL_VIEW: f32 = 240.0;
        if settings.show_labels
            && rect.width() >= MIN_LABEL_VIEW
            && !(f.b.is_some() && slot == Slot::B)
            && let Some(labels) = labels
        {
            let project = |at: Vec3| cam.world_to_viewport(cam_transform, at + slot.origin()).ok().map(|v| egui::pos2(v.x / zoom, v.y / zoom));
            draw_labels(&painter, &ctx, &settings, labels, project, rect, &taken, color);
        }
    }
    if let Some((band, galley)) = caption_band {
        let painter = painter.with_clip_rect(all);
        painter.rect_filled(band, 0.0, palette::egui_overlay(settings.dark));
        painter.galley(band.center() - galley.size() / 2.0, galley, color);
    }
    if evidence.open {
        evidence_window(&ctx, &mut evidence);
    }
    if let Some(d) = ui_state.dialog.as_mut()
        && let Some(picked) = d.update(&ctx, &mut ui_state.scenario)
    {
        out.extend(picked);
        ui_state.dialog = None;
    }
    for a in out {
        actions.write(retarget(a, instances.target));
    }
    Ok(())
}

/// egui's "small" text size in the panels (points; egui's own is 9).
const SMALL_TEXT: f32 = 11.0;

/// The panels' plot legends and the scale note (points).
pub const LEGEND_TEXT: f32 = 11.5;

/// Before the panels: every glyph in the font atlas once, the theme and
/// scale applied when they change, and the panels' view models brought up
/// to date with the instance they show (`shown_key`: its entity and generation).
fn prepare(ctx: &egui::Context, ui_state: &mut UiState, f: &Frame, shown_key: (Entity, u64), clear: &mut ClearColor) {
    if !ui_state.glyphs_warm {
        // Every glyph laid out in the first pass, so the font atlas's first
        // (full) upload holds them all: glyphs added later reach the atlas
        // as partial updates, which did not show (Bevy 0.19, bevy_egui 0.42).
        // The sizes the panels (egui's text styles), labels, titles and captions use.
        // egui's "small" text (sources, notes) at 11 points, not 9: read at a desk and checked by the legibility test.
        ctx.all_styles_mut(|style| {
            style.text_styles.insert(egui::TextStyle::Small, egui::FontId::proportional(SMALL_TEXT));
        });
        for font in [SMALL_TEXT, LEGEND_TEXT, 12.5, 15.0, 17.0, 18.0, 20.0].map(egui::FontId::proportional).into_iter().chain([egui::FontId::monospace(12.5)]) {
            let _ = ctx.fonts_mut(|fonts| fonts.layout_no_wrap(GLYPHS.to_string(), font, egui::Color32::WHITE));
        }
        ui_state.glyphs_warm = true;
    }
    let settings = f.settings;
    if ui_state.applied != Some((settings.dark, settings.scale)) {
        ctx.set_visuals(if settings.dark { egui::Visuals::dark() } else { egui::Visuals::light() });
        ctx.set_zoom_factor(settings.scale);
        clear.0 = palette::background(settings.dark);
        ui_state.applied = Some((settings.dark, settings.scale));
    }
    if ui_state.shown != Some(shown_key) || ui_state.stim.is_none() {
        ui_state.shown = Some(shown_key);
        if ui_state.scenario.builtins.is_empty() {
            ui_state.scenario = ScenarioView { path: std::mem::take(&mut ui_state.scenario.path), ..ScenarioView::with_builtins() };
        }
        if ui_state.scenario.path.is_empty() {
            ui_state.scenario.path = f.shown.source.clone();
        }
    }
    // The sliders show the model as it is, whatever set it (a key, a lecture,
    // the other panel); the train being composed is the user's, not the model's: it stays.
    let now = StimView::of(f.shown);
    ui_state.stim = Some(match ui_state.stim.take() {
        Some(vm) => StimView { train_rate_hz: vm.train_rate_hz, train_count: vm.train_count, ..now },
        None => now,
    });
}

/// The top bar: the title (room kept at its right for the overlays drawn
/// after the panels, the Record button), the fast clock's bar and the slow clock's.
fn top_bar(ui: &mut egui::Ui, ui_state: &mut UiState, f: &Frame, playback: &Playback, clock: &SlowClock) -> Vec<AppCommand> {
    let mut out = Vec::new();
    let a = f.a;
    let mut vm = PlaybackView {
        playing: playback.playing,
        bio_us_per_s: playback.bio_us_per_s,
        t_ms: a.sim.t_ms(),
        lagging: playback.lagging,
        actual_bio_us_per_s: playback.actual_bio_us_per_s(a.sim.dt_ms()),
    };
    let slot = ui_state.overlays.first().map(|r| r.size());
    let mut slot_at = None;
    ui.horizontal(|ui| {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if let Some(size) = slot {
                slot_at = Some(ui.allocate_exact_size(size, egui::Sense::hover()).0.right_top());
            }
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                ui.heading("Synapse Lab");
                let title = match f.b {
                    None => format!("— {}", a.sim.scenario.name),
                    Some(_) => format!("— comparing A: {} with {}", a.base().name, half_title(Slot::B, a, f.differences)),
                };
                ui.add(egui::Label::new(title).truncate());
            });
        });
    });
    ui_state.overlay_slot = slot_at;
    out.extend(playback_bar(ui, &mut vm));
    let mut lens = LensView { playing: clock.playing, min_per_s: clock.min_per_s, t_min: f.shown.cascade.t_min(), moments: f.shown.slow.moments.iter().map(|m| m.label.clone()).collect() };
    out.extend(time_lens_bar(ui, &mut lens));
    out
}

/// The drug tables the Drugs panel reads and the dose-response job it starts.
struct Tables<'a> {
    catalogue: &'a Catalogue,
    dose: &'a mut DoseJob,
    clinic: &'a mut ClinicTable,
    evidence: &'a mut EvidenceJob,
}

/// The left panel: compare, stimulation, drugs (with the clinic's row and
/// the dose-response), the scenario file, the view, the selected object and
/// the glutamate ledger.
fn controls_panel(ui: &mut egui::Ui, ui_state: &mut UiState, f: &Frame, instances: &Instances, selected: Option<(Selectable, (&SimState, Slot))>, t: Tables) -> Vec<AppCommand> {
    let mut out = Vec::new();
    let state = f.shown;
    egui::CollapsingHeader::new("Compare A / B").default_open(f.b.is_some()).show(ui, |ui| {
        let mut vm = CompareView { comparing: f.b.is_some(), target: instances.target, linked: instances.linked_cameras, differences: f.differences.to_vec() };
        out.extend(compare_panel(ui, &mut vm));
    });
    if state.exp.dendrite.is_some() {
        egui::CollapsingHeader::new("Dendrite").default_open(true).show(ui, |ui| {
            let shown_slot = if f.b.is_some_and(|b| std::ptr::eq(b, state)) { Slot::B } else { Slot::A };
            // A synapse chosen in either half: the panels may act on both.
            let sel = selected.and_then(|(sel, (s, _))| (std::ptr::eq(s, state) || matches!(sel, Selectable::Synapse(_))).then_some(sel));
            out.extend(dendrite::dendrite_panel(ui, state, shown_slot, sel));
        });
    }
    // Beside a dendrite these act on the single synapse: said, and closed at first.
    let single = if state.exp.dendrite.is_some() { "Stimulation (the single synapse)" } else { "Stimulation" };
    egui::CollapsingHeader::new(single).id_salt("stimulation").default_open(state.exp.dendrite.is_none()).show(ui, |ui| {
        if let Some(vm) = ui_state.stim.as_mut() {
            out.extend(stimulation_panel(ui, vm));
        }
    });
    egui::CollapsingHeader::new("Drugs").default_open(true).show(ui, |ui| {
        // The panel opens on the scenario's first drug (ketamine without one).
        let first = state.sim.drugs.first().map(|a| a.drug.key.clone()).unwrap_or_else(|| "ketamine".into());
        let vm = ui_state.drugs.get_or_insert_with(|| DrugView { selected: first, conc_um: 1.0, applied: Vec::new(), occupancy: Vec::new() });
        vm.applied = state.sim.drugs.iter().map(|a| (a.drug.key.clone(), a.drug.name.clone(), a.conc_um)).collect();
        vm.occupancy = state.sim.drug_occupancy();
        out.extend(drugs_panel(ui, vm, t.catalogue));
        if let Ok(drug) = t.catalogue.get(&vm.selected) {
            clinic_panel(ui, drug, t.clinic.row(t.catalogue, drug));
            egui::CollapsingHeader::new("Dose-response").id_salt("dose").show(ui, |ui| {
                let last = t.dose.last.as_ref().filter(|(k, _)| *k == drug.key).map(|(_, r)| r);
                if dose_panel(ui, drug, t.dose.progress(), last) {
                    drugs::start_sweep(t.dose, drug.clone());
                }
            });
        }
    });
    if ui.button("Model vs experiment…").on_hover_text("The model's curves over the papers' data, with each comparison's verdict").clicked() {
        t.evidence.open();
    }
    egui::CollapsingHeader::new("Scenario file").default_open(false).show(ui, |ui| {
        if let Some(act) = scenario_panel(ui, &mut ui_state.scenario)
            && let Some(d) = scenario::handle_file(act, &mut ui_state.scenario, &mut out)
        {
            ui_state.dialog = Some(d);
        }
        // A page keeps no files: the session's command log is a download, for `synapse-lab replay` on a desktop.
        #[cfg(web)]
        if ui.button("Download this session's commands").on_hover_text("The command log: synapse-lab replay FILE re-runs it to the same state hash").clicked() {
            let saved = state.finished_log().ok_or_else(|| "no command log is kept".to_string()).and_then(|log| super::browser::download("session.log.ron", log.to_ron().as_bytes(), "text/plain"));
            ui_state.scenario.message = Some(match saved {
                Ok(()) => ("downloaded session.log.ron".into(), true),
                Err(e) => (e, false),
            });
        }
    });
    egui::CollapsingHeader::new("View").default_open(true).show(ui, |ui| {
        out.extend(view_panel(ui, f.settings, state.exp.dendrite.is_some()));
    });
    egui::CollapsingHeader::new("Selected").default_open(true).show(ui, |ui| match selected {
        Some((sel, (s, slot))) => {
            if f.b.is_some() {
                ui.small(format!("in {}", slot.letter()));
            }
            selection::selection_info(ui, sel, s)
        }
        None => {
            ui.label("Click a receptor, vesicle, Ca2+ channel or the astrocyte.");
        }
    });
    let l = state.sim.ledger();
    ui.small(format!(
        "glutamate: {} released = {} free + {} on receptors + {} in EAATs + {} taken up + {} escaped",
        l.released, l.free, l.bound_receptors, l.bound_transporters, l.taken_up, l.escaped
    ));
    out
}

/// The right panel: the one plot a cue asks for, large, or the pathway
/// graph and the slow and fast clocks' plots (each with Save). Returns its width.
fn plots_panel(root: &mut egui::Ui, ui_state: &mut UiState, f: &Frame, top: f32, selection: Option<Selectable>, shown_slot: Slot, out: &mut Vec<AppCommand>) -> f32 {
    let settings = f.settings;
    if !(settings.show_plots && settings.show_panels) {
        return 0.0;
    }
    let mut shown = vec![Shown { label: if f.b.is_some() { "A" } else { "" }, state: f.a }];
    if let Some(b) = f.b {
        shown.push(Shown { label: "B", state: b });
    }
    let screen = root.ctx().viewport_rect();
    let t_now = f.a.sim.t_ms();
    let panel = if let Some(id) = settings.only_plot {
        // The one plot a cue needs, large enough to read from the back of a hall.
        egui::Panel::right("one plot").exact_size((screen.width() * 0.3).max(260.0)).resizable(false).show(root, |ui| {
            // Legend, ticks and axis titles legible from the back of a hall.
            let text = presenter_min_text(screen.height());
            // Most of the column's height (it filled only its top third): room
            // above for the legend, below for the axis title.
            ui.add_space((screen.height() * 0.1 - top).max(0.0));
            plots::one_plot(ui, id, &shown, t_now, f.plot_window_ms, screen.height() * 0.65, text);
        })
    } else {
        egui::Panel::right("plots").default_size(380.0f32.min(screen.width() * 0.3)).max_size(screen.width() * 0.3).show(root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                let slow = shown.iter().any(|s| !s.state.cascade.drug_keys().is_empty());
                // In a comparison the graph is one synapse's: say which (it read ×1.00 for A beside a drugged B).
                let pathway_title = if f.b.is_some() { format!("Pathway of {} (slow clock)", shown_slot.letter()) } else { "Pathway (slow clock)".to_string() };
                egui::CollapsingHeader::new(pathway_title).id_salt("pathway").default_open(slow).show(ui, |ui| {
                    if f.b.is_some() {
                        ui.small(format!("The graph shows {}; \"panels act on\" in Compare A / B switches it.", shown_slot.letter()));
                    }
                    let sel = match selection {
                        Some(Selectable::Pathway(i)) => Some(i),
                        _ => None,
                    };
                    if let Some(i) = super::pathway::pathway_graph(ui, &f.shown.cascade, sel) {
                        out.push(AppCommand::Select(Some((shown_slot, Selectable::Pathway(i)))));
                    }
                });
                let slow_save = egui::CollapsingHeader::new("Slow clock plots").default_open(slow).show(ui, |ui| plots::slow_plots(ui, &shown)).body_returned.flatten();
                let dendrite = shown.iter().any(|s| s.state.exp.dendrite.is_some());
                let dendrite_save = if dendrite {
                    egui::CollapsingHeader::new("Dendrite plots").default_open(true).show(ui, |ui| plots::dendrite_plots(ui, &shown, t_now, f.plot_window_ms)).body_returned.flatten()
                } else {
                    None
                };
                // Beside a dendrite the single synapse's plots start closed: they are not the dendrite's.
                let fast_title = if dendrite { "Fast clock plots (the single synapse)" } else { "Fast clock plots" };
                let fast_save =
                    egui::CollapsingHeader::new(fast_title).id_salt("fast").default_open(!dendrite).show(ui, |ui| plots::plots(ui, &shown, t_now, f.plot_window_ms)).body_returned.flatten();
                if let Some(id) = slow_save.or(dendrite_save).or(fast_save) {
                    ui_state.figure_message = Some(plots::save_figure(id, &shown, t_now, f.plot_window_ms, std::path::Path::new("figures")).unwrap_or_else(|e| format!("error: {e}")));
                }
                if let Some(m) = &ui_state.figure_message {
                    ui.small(m);
                }
            });
        })
    };
    panel.response.rect.width()
}

/// The caption band across the bottom (or top) of the 3D view and its text,
/// readable on a projector; none without a caption.
fn caption_band(ctx: &egui::Context, caption: &[&str], all: egui::Rect, settings: &UiSettings, color: egui::Color32) -> Option<(egui::Rect, std::sync::Arc<egui::Galley>)> {
    if caption.is_empty() {
        return None;
    }
    // In presenter mode at least 1/30 of the window's height: readable from the back of a hall.
    let size = if settings.presenting { presenter_caption_size(ctx.viewport_rect().height()) } else { 20.0 };
    let galley = ctx.fonts_mut(|fonts| fonts.layout(caption.join("\n"), egui::FontId::proportional(size), color, (all.width() - 40.0).max(100.0)));
    let h = galley.size().y + 20.0;
    let band = if settings.caption_top {
        egui::Rect::from_min_max(all.left_top(), egui::pos2(all.right(), all.top() + h))
    } else {
        egui::Rect::from_min_max(egui::pos2(all.left(), all.bottom() - h), all.right_bottom())
    };
    Some((band, galley))
}

/// Point a camera at its part of the view (`rect`, egui points; `sf`
/// physical pixels per point; `full` the target's size in pixels).
fn fit_camera(cam: &mut Camera, projection: &mut Projection, rect: egui::Rect, all: egui::Rect, full: UVec2, sf: f32) {
    cam.is_active = true;
    let pos = UVec2::new((rect.min.x * sf) as u32, (rect.min.y * sf) as u32);
    let size = UVec2::new((rect.width() * sf) as u32, (rect.height() * sf) as u32);
    if size.x > 16 && size.y > 16 && pos.x + size.x <= full.x && pos.y + size.y <= full.y {
        cam.viewport = Some(Viewport { physical_position: pos, physical_size: size, ..default() });
    }
    // A half-width view keeps most of what the full view shows: its
    // vertical field of view widens by the square root of the aspect loss.
    let widen = (all.width() / rect.width().max(1.0)).sqrt();
    let fov = 2.0 * (widen * (std::f32::consts::FRAC_PI_4 / 2.0).tan()).atan();
    if let Projection::Perspective(p) = projection
        && (p.fov - fov).abs() > 1e-4
    {
        p.fov = fov;
    }
}

/// What to do first, over the top of the 3D view until "Got it": a first-time
/// student saw the app play with nothing saying what to try. Returns whether
/// it stays open.
fn first_hint(ctx: &egui::Context, view: egui::Rect) -> bool {
    let mut open = true;
    egui::Area::new("first hint".into()).order(egui::Order::Middle).fixed_pos(view.center_top() + egui::vec2(-view.width().min(560.0) / 2.0, 12.0)).show(ctx, |ui| {
        egui::Frame::popup(ui.style()).show(ui, |ui| {
            ui.set_max_width(view.width().min(560.0) - 20.0);
            ui.strong("New here? Click ⚡ Spike in the left panel.");
            ui.label("The presynaptic neuron fires: a vesicle fuses, glutamate crosses the cleft and opens the receptors, and the plots on the right follow it. Drag to turn the synapse, scroll to zoom, click a receptor to read about it.");
            ui.label("Drugs, the slow clock and A/B comparison are in the panels; F1 lists every key; ⟲ Reset goes back to the scenario's start.");
            open = !ui.button("Got it").clicked();
        });
    });
    open
}

/// Which synapse is which, and what B differs in, over a half: wrapped to
/// its half and clipped to it, so it never covers the other half or a
/// panel. Returns the rectangle it took.
fn half_title_over(painter: &egui::Painter, ctx: &egui::Context, f: &Frame, slot: Slot, st: &SimState, rect: egui::Rect, color: egui::Color32) -> egui::Rect {
    let size = if f.settings.presenting { presenter_min_text(ctx.viewport_rect().height()) } else { 17.0 };
    let galley = painter.layout(half_title(slot, st, f.differences), egui::FontId::proportional(size), color, (rect.width() - 20.0).max(40.0));
    let at = rect.left_top() + egui::vec2(8.0, 6.0);
    let title_rect = egui::Rect::from_min_size(at, galley.size()).expand(4.0);
    painter.rect_filled(title_rect, 4.0, palette::egui_overlay(f.settings.dark));
    painter.galley(at, galley, color);
    title_rect
}

/// The scene's labels over a view, placed clear of `taken` and of each
/// other, with a leader line when moved; `project` takes a label's anchor
/// (world, instance coordinates) to egui points.
fn draw_labels(
    painter: &egui::Painter,
    ctx: &egui::Context,
    settings: &UiSettings,
    labels: &Labels,
    project: impl Fn(Vec3) -> Option<egui::Pos2>,
    rect: egui::Rect,
    taken: &[egui::Rect],
    color: egui::Color32,
) {
    // In presenter mode sized with the window, for the back row.
    let font = egui::FontId::proportional(if settings.presenting { presenter_min_text(ctx.viewport_rect().height()) } else { 15.0 });
    // The evidence layer adds each label's level and source.
    let texts: Vec<String> = labels.0.iter().map(|l| if settings.show_evidence { format!("{} · {}: {}", l.text, l.evidence.label(), l.source) } else { l.text.clone() }).collect();
    let evidence_of = |t: &str| texts.iter().position(|x| x == t).map(|i| labels.0[i].evidence);
    let anchors = labels.0.iter().zip(&texts).filter_map(|(l, text)| Some((text.as_str(), project(l.at)?)));
    // Long labels (the evidence layer's) wrap rather than cover the view.
    let wrap = (rect.width() * 0.4).clamp(160.0, 340.0);
    let galley = |t: &str| ctx.fonts_mut(|fonts| fonts.layout(t.to_string(), font.clone(), color, wrap));
    for (text, at, placed) in lay_out_labels(anchors, rect.shrink(6.0), taken, |t| galley(t).size()) {
        if placed.center().distance(at) > placed.height() {
            // Moved away from what it names: a leader line back to it.
            painter.line_segment([at, placed.center() + (at - placed.center()).normalized() * (placed.height() * 0.5)], egui::Stroke::new(1.5, color));
            painter.circle_filled(at, 3.0, color);
        }
        painter.rect_filled(placed, 3.0, palette::egui_label_backing(settings.dark));
        if settings.show_evidence
            && let Some(e) = evidence_of(text)
        {
            painter.rect_stroke(placed, 3.0, egui::Stroke::new(2.5, palette::egui(palette::evidence(e))), egui::StrokeKind::Outside);
        }
        let g = galley(text);
        painter.galley(placed.center() - g.size() / 2.0, g, color);
    }
}

/// One entry of a legend row in a `horizontal_wrapped` ui: a line swatch of
/// `(colour, thickness)` and its name at `size`, or a name alone (`strong`:
/// in strong text, a plot's quantity). One widget, so a row that is full moves it to the next row whole
/// (a swatch is never parted from its name); the swatch is drawn, not a
/// glyph (the built-in fonts lack box-drawing characters).
pub fn legend_entry(ui: &mut egui::Ui, size: f32, name: &str, swatch: Option<(egui::Color32, f32)>, strong: bool) {
    let ink = if strong { ui.visuals().strong_text_color() } else { ui.visuals().text_color() };
    let lead = if swatch.is_some() { size * 1.4 + 4.0 } else { 0.0 };
    // A name longer than a whole row wraps within the entry.
    let galley = ui.painter().layout(name.to_string(), egui::FontId::proportional(size), ink, (ui.max_rect().width() - lead).max(size * 4.0));
    let (r, response) = ui.allocate_exact_size(egui::vec2(lead + galley.size().x, galley.size().y), egui::Sense::hover());
    if let Some((color, thick)) = swatch {
        // Beside the first line of the name.
        let y = r.top() + galley.rows.first().map_or(r.height(), |row| row.rect().height()) * 0.5;
        ui.painter().line_segment([egui::pos2(r.left(), y), egui::pos2(r.left() + size * 1.4, y)], egui::Stroke::new(thick, color));
    }
    ui.painter().galley(r.min + egui::vec2(lead, 0.0), galley, ink);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Label, true, name));
}

/// The least text size on the stage in presenter mode: 2.5 % of the
/// window's height (19 points at 768 lines, 27 at 1080), what the back row
/// of a lecture hall reads on a projector. Labels, half titles, the cue's
/// title and badge, and the cue's plot are at least this.
pub fn presenter_min_text(screen_h: f32) -> f32 {
    (screen_h / 40.0).max(14.0)
}

/// Presenter mode's caption size: 1/30 of the window's height (readable from the back of a hall).
pub fn presenter_caption_size(screen_h: f32) -> f32 {
    (screen_h / 30.0).max(18.0)
}

/// The height of presenter mode's title band (egui points) in a window `screen_h` points high (its text at 3/4 of the caption size).
pub fn presenter_band(screen_h: f32) -> f32 {
    presenter_caption_size(screen_h) * 0.75 * 1.3 + 14.0
}

/// Place labels near what they name: each inside `view`, clear of `taken`
/// and of the labels placed before it (moved up or down in steps of its
/// height, then left or right); a label whose anchor is outside the view,
/// or that finds no free place, is left out. Returns (text, anchor, rect).
pub fn lay_out_labels<'a>(
    anchors: impl Iterator<Item = (&'a str, egui::Pos2)>,
    view: egui::Rect,
    taken: &[egui::Rect],
    size_of: impl Fn(&str) -> egui::Vec2,
) -> Vec<(&'a str, egui::Pos2, egui::Rect)> {
    let mut out: Vec<(&str, egui::Pos2, egui::Rect)> = Vec::new();
    for (text, at) in anchors {
        if !view.contains(at) {
            continue;
        }
        let size = size_of(text) + egui::vec2(8.0, 4.0);
        if size.x > view.width() || size.y > view.height() {
            continue;
        }
        // Shifted into the view, never out of it.
        let fit = |r: egui::Rect| {
            let dx = (view.left() - r.left()).max(0.0) + (view.right() - r.right()).min(0.0);
            let dy = (view.top() - r.top()).max(0.0) + (view.bottom() - r.bottom()).min(0.0);
            r.translate(egui::vec2(dx, dy))
        };
        let home = egui::Rect::from_center_size(at, size);
        let free = |r: &egui::Rect| !taken.iter().chain(out.iter().map(|(_, _, p)| p)).any(|o| o.intersects(*r));
        // A few label heights at most: farther away a label reads as naming something else.
        let steps = (1..=3).flat_map(|k| [k as f32, -(k as f32)]);
        let offsets = std::iter::once(egui::Vec2::ZERO).chain(steps.clone().map(|k| egui::vec2(0.0, k * size.y))).chain(steps.map(|k| egui::vec2(k * size.x * 0.6, 0.0)));
        if let Some(r) = offsets.map(|o| fit(home.translate(o))).find(|r| free(r)) {
            out.push((text, at, r));
        }
    }
    out
}
