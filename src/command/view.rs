//! What is shown and how: the viewer's settings (theme, scale, labels,
//! panels, presenter mode; kept in a recording), the commands that change
//! them, the plots a panel or a cue can show, and what can be selected.

use serde::{Deserialize, Serialize};

/// Display settings that belong to the viewer, not the model (kept in a recording).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UiSettings {
    pub dark: bool,
    /// egui zoom factor (projector: 1.5–2).
    pub scale: f32,
    pub show_labels: bool,
    pub show_plots: bool,
    /// The signalling pathway inside the 3D spine (shown when the scenario
    /// has drugs on the slow clock).
    pub show_pathway: bool,
    /// The side panels and the legend (off: the 3D view takes the screen).
    pub show_panels: bool,
    /// The controls panel and the legend, when the panels show (off: the plots alone, for a recording).
    pub show_controls: bool,
    /// The clock bars across the top (off in recordings: their captions say the time).
    pub show_top_bar: bool,
    /// Captions across the top of the 3D view instead of the bottom.
    pub caption_top: bool,
    /// Presenter mode: captions and labels sized for the back of a hall.
    pub presenting: bool,
    /// Only this plot, large, beside the stage (presenter mode: the plot a cue needs).
    pub only_plot: Option<PlotId>,
    /// Captions (a lecture's, `--caption`) in the band; off for an export with soft captions only.
    pub show_captions: bool,
    /// The evidence layer (key E): each scene label with its evidence level and source.
    pub show_evidence: bool,
    /// No camera sweeps: flights arrive at once.
    pub reduce_motion: bool,
}

impl Default for UiSettings {
    fn default() -> Self {
        Self {
            dark: true,
            scale: 1.0,
            show_labels: true,
            show_plots: true,
            show_pathway: true,
            show_panels: true,
            show_controls: true,
            show_top_bar: true,
            caption_top: false,
            presenting: false,
            only_plot: None,
            show_captions: true,
            show_evidence: false,
            reduce_motion: false,
        }
    }
}

/// What is shown and how (as `AppCommand::View`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum ViewCommand {
    Dark(bool),
    /// egui zoom factor, 0.75–2.5 (projector: 1.5–2).
    Scale(f32),
    Labels(bool),
    Plots(bool),
    /// The signalling pathway inside the 3D spine.
    Pathway(bool),
    /// The side panels and the legend; off, the 3D view takes the screen (key H).
    Panels(bool),
    /// The evidence layer: labels with their evidence level and source (key E).
    Evidence(bool),
    /// No camera sweeps: flights arrive at once.
    ReduceMotion(bool),
}

impl ViewCommand {
    /// Apply to the settings (the scale clamped to its range).
    pub fn apply(self, s: &mut UiSettings) {
        match self {
            ViewCommand::Dark(d) => s.dark = d,
            ViewCommand::Scale(x) => s.scale = x.clamp(0.75, 2.5),
            ViewCommand::Labels(b) => s.show_labels = b,
            ViewCommand::Plots(b) => s.show_plots = b,
            ViewCommand::Pathway(b) => s.show_pathway = b,
            ViewCommand::Panels(b) => s.show_panels = b,
            ViewCommand::Evidence(b) => s.show_evidence = b,
            ViewCommand::ReduceMotion(b) => s.reduce_motion = b,
        }
    }
}

/// Every plot the panels (and a lecture cue) can show.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlotId {
    CleftGlu,
    OpenFraction,
    Current,
    /// B − A of the synaptic currents (comparisons only).
    CurrentDiff,
    Vm,
    /// Changes of the glutamate and glutamine pools (the glutamate–glutamine cycle).
    Pools,
    /// Where released glutamate went: taken up by the transporters, or escaped the synapse.
    Clearance,
    /// The NMDA current alone, on its own scale (a cue that asks about it: AMPA's
    /// ten-times-larger current would flatten it in `Current`).
    NmdaCurrent,
    /// NMDA receptors holding a channel blocker (open or trapped), counted:
    /// a cue about trapping shows the channels it counts.
    Blocked,
    /// Free brain levels of the scheduled drugs (slow clock).
    DrugLevels,
    /// Resting NMDA block in interneurons and pyramidal cells (slow clock).
    Block,
    /// Glutamate surge, BDNF, mTORC1 (slow clock).
    Cascade,
    /// Synaptic proteins and spine density (slow clock).
    Structure,
    /// B − A of BDNF and spines (comparisons only).
    SlowDiff,
    /// A scenario's dendrite: conducting NMDA channels at the synapses that
    /// released glutamate, at those that did not (crosstalk), on the shaft.
    DendriteNmda,
    /// A scenario's dendrite: free glutamate in its shared space (the drip's level, a burst's rise).
    DendriteAmbient,
}

impl PlotId {
    /// The fast panel's plots (Clearance, NmdaCurrent and Blocked only beside a cue that names them).
    pub const FAST: [PlotId; 6] = [PlotId::CleftGlu, PlotId::OpenFraction, PlotId::Current, PlotId::CurrentDiff, PlotId::Vm, PlotId::Pools];
    /// The dendrite's plots (scenarios with a dendrite).
    pub const DENDRITE: [PlotId; 2] = [PlotId::DendriteNmda, PlotId::DendriteAmbient];
    pub const SLOW: [PlotId; 5] = [PlotId::DrugLevels, PlotId::Block, PlotId::Cascade, PlotId::Structure, PlotId::SlowDiff];

    pub fn is_slow(self) -> bool {
        Self::SLOW.contains(&self)
    }

    /// The trace columns (`Observables::COLUMNS`, the cascade's columns) the
    /// plot draws; a lecture's prediction is checked against them (see
    /// `Lecture`'s checks). Empty for a plot of differences or of drugs.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            PlotId::CleftGlu => &["glu_cleft_uM"],
            PlotId::OpenFraction => &["ampa_open_frac", "nmda2a_open_frac", "nmda2b_open_frac", "kainate_open_frac", "mglu1_active_frac"],
            PlotId::Current => &["i_ampa_pA", "i_nmda_pA", "i_gaba_pA"],
            PlotId::NmdaCurrent => &["i_nmda_pA"],
            PlotId::Blocked => &["nmda_blocked"],
            PlotId::Vm => &["vm_mV"],
            PlotId::Pools => &["astro_glu_mM", "astro_gln_mM", "neuron_glu_mM"],
            PlotId::Clearance => &["glu_uptaken", "glu_escaped"],
            PlotId::Block => &["block_interneuron", "block_pyramidal"],
            PlotId::Cascade => &["glutamate_surge", "bdnf", "mtorc1"],
            PlotId::Structure => &["synaptic_proteins", "spine_density"],
            PlotId::DendriteNmda => &["dendrite_firing_nmda_open", "dendrite_silent_nmda_open", "dendrite_shaft_nmda_open"],
            PlotId::DendriteAmbient => &["dendrite_ambient_nM"],
            PlotId::CurrentDiff | PlotId::DrugLevels | PlotId::SlowDiff => &[],
        }
    }
}

/// Something a person can click.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Selectable {
    Receptor(usize),
    DockSite(usize),
    Transporters,
    CaChannel(usize),
    /// A node of the signalling pathway (`pathway::NODES`).
    Pathway(usize),
    /// A synapse of the scenario's stretch of dendrite.
    Synapse(usize),
}
