//! The Dendrite panel (scenarios with a stretch of dendrite): the chosen
//! synapse, what to do to it (one vesicle, a spike, a burst at the ten
//! synapses round it, itself included), uptake blocked or not (DL-TBOA), the two viewpoints, and
//! what the model reads now: the drip's ambient level, the shaft's open
//! extrasynaptic NMDA channels, the chosen synapse's and its nearest
//! neighbour's.

use super::super::sim_bridge::{AppCommand, SimState, Slot, sim};
use crate::command::camera::{CameraCommand, Viewpoint};
use crate::command::view::Selectable;
use bevy_egui::egui;
use synapse_core::dendrite::TBOA_UM;
use synapse_core::experiment::Command;
use synapse_core::receptors::ReceptorKind;

/// How many synapses a burst stimulates, how many spikes at what rate: the
/// design of the crosstalk experiments (and of `validate`'s rows).
const BURST_SYNAPSES: u32 = 10;
const BURST_SPIKES: u32 = 5;
const BURST_HZ: f64 = 100.0;

/// The synapse the panel acts on: the one selected in this instance, else the middle one.
pub fn chosen(state: &SimState, selected: Option<Selectable>) -> Option<usize> {
    let d = state.exp.dendrite.as_ref()?;
    Some(match selected {
        Some(Selectable::Synapse(i)) if i < d.synapses.len() => i,
        _ => d.synapses.len() / 2,
    })
}

pub fn dendrite_panel(ui: &mut egui::Ui, state: &SimState, slot: Slot, selected: Option<Selectable>) -> Vec<AppCommand> {
    let mut out = Vec::new();
    let (Some(d), Some(k)) = (state.exp.dendrite.as_ref(), chosen(state, selected)) else { return out };
    let n = d.synapses.len();
    ui.label(format!("{n} spine synapses on {:.0} µm of dendrite, one shared extracellular space.", d.config.length_um));
    ui.horizontal_wrapped(|ui| {
        ui.label("Synapse");
        let mut pick = k;
        if ui.add(egui::DragValue::new(&mut pick).range(0..=n - 1)).on_hover_text("Or click a spine head in the 3D view").changed() {
            out.push(AppCommand::Select(Some((slot, Selectable::Synapse(pick)))));
        }
    });
    ui.small("or click a spine head");
    let s = k as u32;
    ui.horizontal_wrapped(|ui| {
        if ui.button("One vesicle").on_hover_text("One vesicle fuses at this synapse (certain, unlike a spike)").clicked() {
            out.push(sim(Command::DendriteVesicle { synapse: s }));
        }
        if ui.button("Spike").on_hover_text("One action potential at this synapse's bouton (release may fail)").clicked() {
            out.push(sim(Command::DendriteSpike { synapse: s }));
        }
        let burst = format!("{BURST_SPIKES} spikes at {BURST_HZ:.0} Hz at the {BURST_SYNAPSES} synapses round this one (it included)");
        if ui.button(format!("Burst at {BURST_SYNAPSES}")).on_hover_text(burst).clicked() {
            out.push(sim(Command::DendriteBurst { synapse: s, synapses: BURST_SYNAPSES.min(n as u32), count: BURST_SPIKES, rate_hz: BURST_HZ }));
        }
    });
    let blocked = d.drugs.iter().any(|a| a.drug.key == "tboa" && a.conc_um > 0.0);
    if blocked {
        if ui.button("Wash out DL-TBOA").on_hover_text("Uptake back").clicked() {
            out.push(sim(Command::WashOut { name: "tboa".into() }));
        }
    } else if ui
        .button("Block uptake (DL-TBOA)")
        .on_hover_text(format!("DL-TBOA {TBOA_UM:.0} µM: blocks the astrocytes' transporters (EAAT2 Ki 5.7 µM, Shimamoto et al. 1998), as in slice experiments"))
        .clicked()
    {
        out.push(sim(Command::Drug { name: "tboa".into(), conc_um: TBOA_UM }));
    }
    ui.separator();
    let nmda = |c: &[synapse_core::receptors::KindCounts]| c[ReceptorKind::Nmda2A as usize].open + c[ReceptorKind::Nmda2B as usize].open;
    let total = |c: &[synapse_core::receptors::KindCounts]| c[ReceptorKind::Nmda2A as usize].total + c[ReceptorKind::Nmda2B as usize].total;
    let extra = d.extrasynaptic.counts_all();
    ui.label(format!("Ambient glutamate: {:.0} nM", d.ambient_nm())).on_hover_text(format!(
        "The drip: astrocytes' non-vesicular release, its rate calibrated so that uptake balances it at {:.0} nM (Herman & Jahr 2007 measured ~25 nM). Microdialysis reads 1-5 µM: the probe damages the tissue around it.",
        d.config.ambient_nm
    ));
    ui.label(format!("Shaft, extrasynaptic NMDA open: {} of {}", nmda(&extra), total(&extra)));
    let own = d.synapses[k].receptors.counts_all();
    let site = &d.sites[k];
    ui.label(format!("Synapse {k}: NMDA open {} of {}, AMPA open {}", nmda(&own), total(&own), own[ReceptorKind::Ampa as usize].open));
    ui.small(format!("PSD {:.3} µm², astrocyte round {:.0} % of it", site.psd_area_um2, site.astro_coverage * 100.0));
    if let Some(j) = d.nearest(k) {
        let near = d.synapses[j].receptors.counts_all();
        ui.label(format!("Nearest, synapse {j}: NMDA open {} of {}", nmda(&near), total(&near)));
    }
    ui.horizontal_wrapped(|ui| {
        if ui.button("Dendrite view").clicked() {
            out.push(AppCommand::Camera(CameraCommand::FlyTo { view: Viewpoint::Dendrite, secs: 1.5 }));
        }
        if ui.button("Single synapse").on_hover_text("The scenario's synapse on its own, with its release machinery and astrocyte drawn: not this synapse of the dendrite").clicked() {
            out.push(AppCommand::Camera(CameraCommand::FlyTo { view: Viewpoint::WholeSynapse, secs: 1.5 }));
        }
    });
    out
}
