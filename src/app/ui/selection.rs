//! The Selected panel: the clicked receptor, vesicle, channel, astrocyte or pathway node, with its state and source.

use super::super::scene::{self, Selectable};
use super::super::sim_bridge::SimState;
use bevy::prelude::*;
use bevy_egui::egui;
use synapse_core::signalling::format_minutes;

pub fn selection_info(ui: &mut egui::Ui, sel: Selectable, state: &SimState) {
    let s = &state.sim;
    match sel {
        Selectable::Receptor(k) if k < s.receptors.len() => {
            let r = &s.receptors;
            let ty = &r.types[r.kind[k] as usize];
            let st = &ty.scheme.states[r.state[k] as usize];
            ui.strong(format!("{} receptor #{k}", ty.kind.label()));
            ui.label(format!("state {} ({}), {} glutamate bound", st.name, scene::look_of(state, k).label(), st.glu_bound));
            ui.label(format!("scheme: {}", ty.scheme.name));
            let names: Vec<&str> = ty.scheme.states.iter().map(|s| s.name).collect();
            ui.label(format!("states: {}", names.join(" · ")));
            ui.small(format!("source: {}", ty.scheme.source));
            ui.small(format!("at ({:.0}, {:.0}) nm from the synapse axis", r.x_um[k] * 1e3, r.y_um[k] * 1e3));
        }
        Selectable::DockSite(d) if d < s.pre.sites.len() => {
            let site = &s.pre.sites[d];
            ui.strong(format!("Docking site #{d}"));
            match site.vesicle {
                Some(c) => ui.label(format!("vesicle docked, {c:.0} glutamate (VGLUT-loaded); Ca2+ sensor: {}/5 sites bound", site.sensor)),
                None => ui.label("empty: refills from the reserve at 0.24 /s (Wesseling & Lo 2002)"),
            };
            ui.small("sensor: synchronous 5-site model, Sun et al. 2007");
        }
        Selectable::CaChannel(c) => {
            let open = s.pre.ca_channel_open.get(c).copied().unwrap_or(false);
            ui.strong(format!("Ca2+ channel #{c}: {}", if open { "open" } else { "closed" }));
            ui.label(format!("nanodomain [Ca2+] at the sensors: {:.1} µM", s.pre.ca_local_um));
        }
        Selectable::Pathway(i) if i < super::super::pathway::NODES.len() => {
            let n = &super::super::pathway::NODES[i];
            ui.strong(n.long);
            ui.label(format!("{} at slow clock {}", super::super::pathway::level_text(n, &state.cascade), format_minutes(state.cascade.t_min())));
            ui.small(format!("source: {}", n.source));
            ui.small(format!("evidence: {}", n.evidence));
        }
        Selectable::Synapse(i) if state.exp.dendrite.as_ref().is_some_and(|d| i < d.synapses.len()) => {
            let d = state.exp.dendrite.as_ref().expect("checked");
            let site = &d.sites[i];
            ui.strong(format!("Spine synapse {i} of the dendrite"));
            ui.label(format!(
                "PSD {:.3} µm² ({} AMPA, {} NMDA receptors)",
                site.psd_area_um2,
                d.synapses[i].scenario.receptors.ampa,
                d.synapses[i].scenario.receptors.nmda_2a + d.synapses[i].scenario.receptors.nmda_2b
            ));
            ui.label(if site.astro_coverage > 0.0 { format!("astrocyte round {:.0} % of it", site.astro_coverage * 100.0) } else { "no astrocytic contact".to_string() });
            ui.label(format!("{} glutamate released here, {} came back into its cleft from the shared space", d.synapses[i].ledger().released, d.returned[i]));
            ui.small("PSD sizes: Harris & Weinberg 2012; astrocytic contact: Ventura & Harris 1999; the Dendrite panel fires it");
        }
        Selectable::Transporters => {
            let t = &s.transporters;
            ui.strong("Astrocyte EAATs (GLT-1 + GLAST)");
            ui.label(format!("{} carriers: {} glutamate-bound, {} cycling back", t.count(), t.bound_glutamate(), t.cycling_count()));
            ui.label(format!("{} glutamate taken up so far", t.taken_up));
            ui.small("density 8,500 + 2,300 /µm² (Lehre & Danbolt 1998); Km 15 µM (Wadiche 1995); 20 ms cycle");
        }
        _ => {}
    }
}
