//! The signalling pathway on screen: one definition of the nodes (label,
//! level read from the slow cascade, source, evidence) and edges, drawn both
//! as a node graph in a panel (`pathway_graph`) and as glowing nodes inside
//! the 3D spine, with BDNF released onto TrkB, the spine head growing with
//! synaptic protein and new spines appearing on the dendrite with spine
//! density. Clicking a node in either place selects it in both.
//! Schematic: positions and sizes are illustrative; levels are the model's.

use super::scene::{DENDRITE_Y, Selectable, SpineHead};
use super::shared::Settings;
use super::shared::{InInstance, Selection};
use super::sim_bridge::SimState;
use crate::command::view::UiSettings;
use bevy::prelude::*;
use bevy_egui::egui;
use synapse_core::signalling::{Cascade, format_minutes};

/// How a node's level reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Relative to baseline 1 (shown as ×1.30).
    Ratio,
    /// A fraction 0–1 (shown as a percentage).
    Fraction,
}

pub struct Node {
    pub label: &'static str,
    pub long: &'static str,
    /// Layout shared by the panel and the 3D spine: x left→right, y top→bottom, 0–1.
    pub at: (f32, f32),
    pub scale: Scale,
    pub level: fn(&Cascade) -> f64,
    pub source: &'static str,
    pub evidence: &'static str,
}

/// An edge: from, to, activates (true) or inhibits.
pub const EDGES: [(usize, usize, bool); 15] = [
    (0, 1, false),
    (1, 2, false),
    (2, 3, true),
    (3, 4, true),
    (4, 7, true),
    (5, 6, false),
    (6, 7, false),
    (7, 8, true),
    (8, 9, true),
    (9, 11, true),
    (9, 10, false),
    (10, 12, false),
    (11, 12, true),
    (12, 13, true),
    (12, 14, true),
];

pub const NODES: [Node; 15] = [
    Node {
        label: "NMDA block\ninterneur.",
        long: "Resting NMDA block in GABA interneurons",
        at: (0.07, 0.08),
        scale: Scale::Fraction,
        level: |c| c.drive.block_interneuron,
        source: "Homayoun & Moghaddam 2007; seen in CA1 slices: Widman & McMahon 2018; rival account: direct pyramidal block (Autry 2011)",
        evidence: "hypothesis",
    },
    Node {
        label: "GABA\noutput",
        long: "Interneuron (GABA) output onto the pyramidal cell",
        at: (0.27, 0.08),
        scale: Scale::Ratio,
        level: |c| c.drive.inhibition,
        source: "Homayoun & Moghaddam 2007 (interneurons ~0.5x)",
        evidence: "hypothesis",
    },
    Node {
        label: "glutamate\nsurge",
        long: "Extracellular glutamate (disinhibition)",
        at: (0.47, 0.08),
        scale: Scale::Ratio,
        level: |c| c.state.glutamate,
        source: "Moghaddam et al. 1997 (2-3x)",
        evidence: "established (direction)",
    },
    Node {
        label: "AMPA\ndrive",
        long: "AMPA receptor drive (surge x transmission; NBQX, PAMs)",
        at: (0.67, 0.08),
        scale: Scale::Ratio,
        level: |c| c.drive.ampa_drive,
        source: "Maeng et al. 2008",
        evidence: "established",
    },
    Node {
        label: "L-type Ca2+\nrelease",
        long: "Activity-dependent BDNF release through L-type Ca2+ channels",
        at: (0.9, 0.08),
        scale: Scale::Ratio,
        level: |c| c.drive.bdnf_release,
        source: "Lepack et al. 2015",
        evidence: "established",
    },
    Node {
        label: "NMDA block\nat rest",
        long: "Resting NMDA block in the pyramidal cell (Mg2+ competes)",
        at: (0.07, 0.45),
        scale: Scale::Fraction,
        level: |c| c.drive.block_pyramidal,
        source: "Autry et al. 2011; Gideons et al. 2014",
        evidence: "established (mechanism)",
    },
    Node {
        label: "p-eEF2",
        long: "Phosphorylated eEF2 (eEF2 kinase on with resting NMDA Ca2+)",
        at: (0.27, 0.45),
        scale: Scale::Ratio,
        level: |c| c.state.p_eef2,
        source: "Autry et al. 2011",
        evidence: "established (mechanism)",
    },
    Node {
        label: "BDNF",
        long: "BDNF made (translation) and released",
        at: (0.5, 0.45),
        scale: Scale::Ratio,
        level: |c| c.state.bdnf,
        source: "Autry 2011 (+30-50%); Lepack 2015",
        evidence: "established (magnitude approx.)",
    },
    Node { label: "TrkB", long: "TrkB receptor activation", at: (0.7, 0.45), scale: Scale::Ratio, level: |c| c.state.trkb, source: "Li et al. 2010", evidence: "established" },
    Node {
        label: "ERK / Akt",
        long: "ERK and Akt phosphorylation",
        at: (0.9, 0.45),
        scale: Scale::Ratio,
        level: |c| c.state.erk_akt,
        source: "Li et al. 2010 (1.5-2x, 30-60 min)",
        evidence: "established",
    },
    Node { label: "GSK-3", long: "GSK-3 activity (Akt pSer9; lithium inhibits)", at: (0.68, 0.66), scale: Scale::Ratio, level: |c| c.drive.gsk3, source: "Beurel et al. 2011", evidence: "hypothesis" },
    Node {
        label: "mTORC1",
        long: "mTORC1 (p70S6K, 4E-BP1); rapamycin blocks",
        at: (0.9, 0.86),
        scale: Scale::Ratio,
        level: |c| c.state.mtorc1,
        source: "Li et al. 2010 (peak 30-60 min, baseline by 2 h)",
        evidence: "established",
    },
    Node {
        label: "synaptic\nproteins",
        long: "PSD-95, GluA1, synapsin I",
        at: (0.62, 0.86),
        scale: Scale::Ratio,
        level: |c| c.state.synaptic_proteins,
        source: "Li et al. 2010 (1.3-1.5x from 2 h to 72 h)",
        evidence: "established (magnitude approx.)",
    },
    Node {
        label: "AMPA\nreceptors",
        long: "AMPA receptors at the synapse (GluA1; the fast layer's count)",
        at: (0.38, 0.86),
        scale: Scale::Ratio,
        level: |c| 1.0 + c.params.ampa_per_protein * (c.state.synaptic_proteins - 1.0),
        source: "Li et al. 2010 (GluA1); 1:1 with proteins is an assumption",
        evidence: "illustrative",
    },
    Node {
        label: "spine\ndensity",
        long: "Dendritic spine density",
        at: (0.12, 0.86),
        scale: Scale::Ratio,
        level: |c| c.state.spine_density,
        source: "Li 2010; Moda-Sava 2019 (+30-40% at 24 h)",
        evidence: "established (direction)",
    },
];

/// A node's level as text.
pub fn level_text(n: &Node, c: &Cascade) -> String {
    let v = (n.level)(c);
    match n.scale {
        Scale::Ratio => format!("×{v:.2}"),
        Scale::Fraction => format!("{:.0}%", v * 100.0),
    }
}

/// Fill colour: grey at baseline, warm when raised (or blocked), cool when lowered.
pub fn level_color(n: &Node, c: &Cascade) -> [f32; 3] {
    let v = (n.level)(c) as f32;
    let d = match n.scale {
        Scale::Ratio => ((v - 1.0) * 2.5).clamp(-1.0, 1.0),
        Scale::Fraction => (v * 3.0).clamp(-1.0, 1.0),
    };
    let grey = [0.5, 0.52, 0.56];
    let warm = [1.0, 0.55, 0.1];
    let cool = [0.2, 0.45, 1.0];
    let (t, to) = if d >= 0.0 { (d, warm) } else { (-d, cool) };
    [grey[0] + (to[0] - grey[0]) * t, grey[1] + (to[1] - grey[1]) * t, grey[2] + (to[2] - grey[2]) * t]
}

fn c32(rgb: [f32; 3]) -> egui::Color32 {
    egui::Color32::from_rgb((rgb[0] * 255.0) as u8, (rgb[1] * 255.0) as u8, (rgb[2] * 255.0) as u8)
}

/// The node graph: nodes coloured by level, activating (green) and
/// inhibiting (red, bar-ended) edges, drug blocks tagged on their node.
/// Returns the node clicked, if any.
pub fn pathway_graph(ui: &mut egui::Ui, c: &Cascade, selected: Option<usize>) -> Option<usize> {
    let width = ui.available_width().max(240.0);
    let height = width * 0.62;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, height), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let box_size = egui::vec2(width * 0.17, height * 0.17);
    let centre = |i: usize| {
        let (x, y) = NODES[i].at;
        egui::pos2(rect.left() + box_size.x * 0.5 + x * (width - box_size.x), rect.top() + box_size.y * 0.5 + y * (height - box_size.y))
    };
    let text_color = ui.visuals().strong_text_color();
    for &(a, b, act) in &EDGES {
        let (pa, pb) = (centre(a), centre(b));
        let dir = (pb - pa).normalized();
        // Stop at the box edge.
        let shrink = |p: egui::Pos2, d: egui::Vec2| {
            let tx = if d.x.abs() > 1e-3 { box_size.x * 0.5 / d.x.abs() } else { f32::INFINITY };
            let ty = if d.y.abs() > 1e-3 { box_size.y * 0.5 / d.y.abs() } else { f32::INFINITY };
            p + d * tx.min(ty)
        };
        let (s, e) = (shrink(pa, dir), shrink(pb, -dir));
        let color = if act { egui::Color32::from_rgb(60, 180, 90) } else { egui::Color32::from_rgb(220, 60, 60) };
        painter.line_segment([s, e], egui::Stroke::new(2.0, color));
        let n = egui::vec2(-dir.y, dir.x) * 5.0;
        if act {
            painter.line_segment([e, e - dir * 8.0 + n], egui::Stroke::new(2.0, color));
            painter.line_segment([e, e - dir * 8.0 - n], egui::Stroke::new(2.0, color));
        } else {
            painter.line_segment([e + n * 1.2, e - n * 1.2], egui::Stroke::new(3.0, color));
        }
    }
    let font = egui::FontId::proportional((box_size.y * 0.26).clamp(9.0, 16.0));
    let mut clicked = None;
    for (i, n) in NODES.iter().enumerate() {
        let r = egui::Rect::from_center_size(centre(i), box_size);
        let id = ui.id().with(("pathway-node", i));
        let resp = ui.interact(r, id, egui::Sense::click());
        let fill = c32(level_color(n, c));
        let stroke = if selected == Some(i) { egui::Stroke::new(3.0, text_color) } else { egui::Stroke::new(1.0, egui::Color32::from_gray(40)) };
        painter.rect(r, 5.0, fill, stroke, egui::StrokeKind::Inside);
        painter.text(r.center() - egui::vec2(0.0, box_size.y * 0.14), egui::Align2::CENTER_CENTER, n.label, font.clone(), egui::Color32::BLACK);
        painter.text(r.center() + egui::vec2(0.0, box_size.y * 0.3), egui::Align2::CENTER_CENTER, level_text(n, c), font.clone(), egui::Color32::BLACK);
        if resp.clicked() {
            clicked = Some(i);
        }
        resp.on_hover_text(format!("{}: {}\n{}\nevidence: {}", n.long, level_text(n, c), n.source, n.evidence));
    }
    // Drug blocks tagged where they act.
    let d = &c.drive;
    let tags = [
        (3, d.ampa_transmission < 0.9, "AMPA blocked"),
        (4, d.ltype_block > 0.1, "L-type blocked"),
        (11, d.mtor_block > 0.1, "rapamycin"),
        (10, d.gsk3 < 0.95 && c.state.erk_akt < 1.05, "GSK-3 inhibited"),
    ];
    for (i, on, text) in tags {
        if on {
            painter.text(centre(i) + egui::vec2(0.0, box_size.y * 0.62), egui::Align2::CENTER_TOP, text, egui::FontId::proportional(11.0), egui::Color32::from_rgb(220, 60, 60));
        }
    }
    ui.small(format!("slow clock {} · orange = above baseline, blue = below · schematic, hypothesis-level constants (user's guide: the model, §9)", format_minutes(c.t_min())));
    clicked
}

/// A node glowing inside the spine.
#[derive(Component)]
struct NodeVisual(usize);
/// One of the BDNF molecules shown travelling to TrkB.
#[derive(Component)]
struct BdnfDot(usize);
/// Neighbouring spine `k` on the dendrite (k ≥ BASELINE_SPINES are new ones).
#[derive(Component)]
struct NeighbourSpine(usize);

const BASELINE_SPINES: usize = 8;
const MAX_SPINES: usize = 16;
const BDNF_DOTS: usize = 24;

/// 3D position of a layout point: a plane inside the spine head facing the
/// default camera (yaw 0.6 rad), upstream steps near the cleft.
pub fn node_position(at: (f32, f32)) -> Vec3 {
    let yaw = 0.6_f32;
    let right = Vec3::new(yaw.cos(), 0.0, -yaw.sin());
    let toward = Vec3::new(yaw.sin(), 0.0, yaw.cos());
    Vec3::new(0.0, -0.75 - at.1 * 1.35, 0.0) + right * ((at.0 - 0.5) * 3.3) + toward * 0.4
}

/// Along the dendrite: perpendicular to the default view (yaw 0.6 rad).
fn along() -> Vec3 {
    Vec3::new(0.6_f32.cos(), 0.0, -0.6_f32.sin())
}

pub struct PathwayPlugin;

impl Plugin for PathwayPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, (spawn_pathway, (sync_nodes, sync_bdnf, sync_spines, grow_spine_head, draw_edges)).chain().in_set(super::sim_bridge::AppSystems::Writeback));
    }
}

/// Each new instance gets its pathway, dendrite and neighbouring spines (they
/// live as long as the instance; the synapse itself is rebuilt on re-samples).
fn spawn_pathway(mut commands: Commands, new: Query<Entity, Added<SimState>>, mut meshes: ResMut<Assets<Mesh>>, mut materials: ResMut<Assets<StandardMaterial>>) {
    for root in &new {
        spawn_instance_pathway(&mut commands, root, &mut meshes, &mut materials);
    }
}

fn spawn_instance_pathway(commands: &mut Commands, root: Entity, meshes: &mut Assets<Mesh>, materials: &mut Assets<StandardMaterial>) {
    let node_mesh = meshes.add(Sphere::new(0.13).mesh().ico(3).unwrap_or_else(|_| Sphere::new(0.13).mesh().uv(16, 8)));
    for (i, n) in NODES.iter().enumerate() {
        let mat = materials.add(StandardMaterial { base_color: Color::srgb(0.5, 0.52, 0.56), emissive: LinearRgba::BLACK, ..default() });
        commands
            .spawn((
                ChildOf(root),
                InInstance(root),
                Mesh3d(node_mesh.clone()),
                MeshMaterial3d(mat),
                Transform::from_translation(node_position(n.at)),
                NodeVisual(i),
                Selectable::Pathway(i),
                Name::new(n.long),
            ))
            .observe(super::scene::select_on_click);
    }
    let dot_mesh = meshes.add(Sphere::new(0.05).mesh().uv(10, 6));
    let dot_mat = materials.add(StandardMaterial { base_color: Color::srgb(0.3, 0.95, 0.6), emissive: LinearRgba::rgb(0.2, 1.2, 0.5), ..default() });
    for k in 0..BDNF_DOTS {
        commands.spawn((ChildOf(root), InInstance(root), Mesh3d(dot_mesh.clone()), MeshMaterial3d(dot_mat.clone()), Transform::default(), Visibility::Hidden, BdnfDot(k), Pickable::IGNORE));
    }
    // The dendrite: a shaft below the spine, the spine's neck, and neighbours.
    let membrane = materials.add(StandardMaterial { base_color: super::palette::SPINE, alpha_mode: AlphaMode::Blend, ..default() });
    commands.spawn((
        ChildOf(root),
        InInstance(root),
        Mesh3d(meshes.add(Cylinder::new(0.4, 14.0))),
        MeshMaterial3d(membrane.clone()),
        Transform::from_xyz(0.0, DENDRITE_Y, 0.0).with_rotation(Quat::from_rotation_arc(Vec3::Y, along())),
        Pickable::IGNORE,
        Name::new("Dendrite shaft"),
    ));
    let neck_len = -DENDRITE_Y - 2.2;
    commands.spawn((
        ChildOf(root),
        InInstance(root),
        Mesh3d(meshes.add(Cylinder::new(0.28, neck_len))),
        MeshMaterial3d(membrane.clone()),
        Transform::from_xyz(0.0, -2.2 - neck_len * 0.5, 0.0),
        Pickable::IGNORE,
        Name::new("Spine neck"),
    ));
    let head = meshes.add(Sphere::new(0.32).mesh().uv(16, 8));
    let neck = meshes.add(Cylinder::new(0.1, 0.7));
    let old = materials.add(StandardMaterial { base_color: Color::srgba(0.92, 0.62, 0.72, 0.7), alpha_mode: AlphaMode::Blend, ..default() });
    let new = materials.add(StandardMaterial { base_color: Color::srgb(0.35, 0.95, 0.45), emissive: LinearRgba::rgb(0.1, 0.6, 0.15), ..default() });
    for k in 0..MAX_SPINES {
        // Alternate sides, spreading out from the synapse; new spines fill gaps.
        let side = if k % 2 == 0 { 1.0 } else { -1.0 };
        let x = if k < BASELINE_SPINES { side * (1.4 + (k / 2) as f32 * 1.5) } else { side * (2.15 + ((k - BASELINE_SPINES) / 2) as f32 * 1.5) };
        let base = along() * x + Vec3::Y * (DENDRITE_Y + 0.35);
        let mat = if k < BASELINE_SPINES { old.clone() } else { new.clone() };
        commands.spawn((ChildOf(root), InInstance(root), Transform::from_translation(base), Visibility::Hidden, NeighbourSpine(k), Name::new("Neighbouring spine"))).with_children(|p| {
            p.spawn((Mesh3d(neck.clone()), MeshMaterial3d(mat.clone()), Transform::from_xyz(0.0, 0.35, 0.0), Pickable::IGNORE));
            p.spawn((Mesh3d(head.clone()), MeshMaterial3d(mat.clone()), Transform::from_xyz(0.0, 0.85, 0.0), Pickable::IGNORE));
        });
    }
}

/// The 3D pathway is drawn for scenarios with drugs on the slow clock (or
/// when a node is selected), so a plain synapse stays uncluttered.
fn pathway_visible(root: Entity, state: &SimState, settings: Option<&UiSettings>, selection: &Selection) -> bool {
    let wanted = settings.is_none_or(|s| s.show_pathway);
    wanted && (!state.cascade.drug_keys().is_empty() || (selection.1 == Some(root) && matches!(selection.0, Some(Selectable::Pathway(_)))))
}

fn sync_nodes(
    states: Query<&SimState>,
    selection: Res<Selection>,
    settings: Option<Res<Settings>>,
    q: Query<(&NodeVisual, &InInstance, &MeshMaterial3d<StandardMaterial>, &mut Transform, &mut Visibility)>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    for (v, of, mat, mut t, mut vis) in q {
        let Ok(state) = states.get(of.0) else { continue };
        let show = pathway_visible(of.0, state, settings.as_deref().map(|s| &s.0), &selection);
        *vis = if show { Visibility::Inherited } else { Visibility::Hidden };
        let n = &NODES[v.0];
        let [r, g, b] = level_color(n, &state.cascade);
        // Glow with the distance from baseline.
        let lit = match n.scale {
            Scale::Ratio => ((n.level)(&state.cascade) - 1.0).abs() as f32 * 6.0,
            Scale::Fraction => (n.level)(&state.cascade) as f32 * 8.0,
        }
        .min(3.0);
        let (base, glow) = (Color::srgb(r, g, b), LinearRgba::rgb(r * lit, g * lit, b * lit));
        // Touch the material only when it changes (a change re-uploads it).
        if materials.get(&mat.0).is_some_and(|m| m.base_color != base || m.emissive != glow)
            && let Some(mut m) = materials.get_mut(&mat.0)
        {
            m.base_color = base;
            m.emissive = glow;
        }
        let big = if *selection == Selection(Some(Selectable::Pathway(v.0)), Some(of.0)) { 1.6 } else { 1.0 };
        t.scale = Vec3::splat(big);
    }
}

/// BDNF molecules travel from the BDNF node to TrkB, more as BDNF rises.
fn sync_bdnf(states: Query<&SimState>, settings: Option<Res<Settings>>, selection: Res<Selection>, q: Query<(&BdnfDot, &InInstance, &mut Transform, &mut Visibility)>) {
    let (a, b) = (node_position(NODES[7].at), node_position(NODES[8].at));
    for (d, of, mut t, mut vis) in q {
        let Ok(state) = states.get(of.0) else { continue };
        let show = pathway_visible(of.0, state, settings.as_deref().map(|s| &s.0), &selection);
        let rise = if show { (state.cascade.state.bdnf - 1.0).max(0.0) } else { 0.0 };
        let shown = ((rise * 60.0).round() as usize).min(BDNF_DOTS);
        if d.0 < shown {
            // On the slow clock (they stop with it); schematic speed.
            let phase = (state.cascade.t_min() as f32 * 0.4 + d.0 as f32 * 0.618).fract();
            let wobble = Vec3::new(0.0, (d.0 as f32 * 2.39).sin() * 0.18, (d.0 as f32 * 1.7).cos() * 0.18);
            t.translation = a.lerp(b, phase) + wobble * (phase * std::f32::consts::PI).sin();
            *vis = Visibility::Visible;
        } else {
            *vis = Visibility::Hidden;
        }
    }
}

/// Spines on the dendrite: 8 at baseline, new (green) ones with spine density.
fn sync_spines(states: Query<&SimState>, q: Query<(&NeighbourSpine, &InInstance, &mut Visibility)>) {
    for (s, of, mut vis) in q {
        let Ok(state) = states.get(of.0) else { continue };
        let count = ((BASELINE_SPINES as f64) * state.cascade.state.spine_density).round().clamp(0.0, MAX_SPINES as f64) as usize;
        *vis = if s.0 < count { Visibility::Inherited } else { Visibility::Hidden };
    }
}

/// The spine head grows with synaptic protein (structural plasticity;
/// illustrative scale: volume ∝ protein).
fn grow_spine_head(states: Query<&SimState>, q: Query<(&InInstance, &mut Transform), With<SpineHead>>) {
    for (of, mut t) in q {
        let Ok(state) = states.get(of.0) else { continue };
        let s = state.cascade.state.synaptic_proteins.max(0.5).cbrt() as f32;
        t.scale = Vec3::new(s, s, s);
    }
}

fn draw_edges(mut gizmos: Gizmos, states: Query<(Entity, &SimState, &super::sim_bridge::Slot)>, settings: Option<Res<Settings>>, selection: Res<Selection>) {
    for (root, state, slot) in &states {
        if pathway_visible(root, state, settings.as_deref().map(|s| &s.0), &selection) {
            draw_instance_edges(&mut gizmos, slot.origin());
        }
    }
}

fn draw_instance_edges(gizmos: &mut Gizmos, origin: Vec3) {
    for &(a, b, act) in &EDGES {
        let (pa, pb) = (node_position(NODES[a].at) + origin, node_position(NODES[b].at) + origin);
        let dir = (pb - pa).normalize_or_zero();
        let (s, e) = (pa + dir * 0.15, pb - dir * 0.15);
        if act {
            gizmos.arrow(s, e, Color::srgb(0.25, 0.75, 0.35));
        } else {
            gizmos.line(s, e, Color::srgb(0.9, 0.25, 0.25));
            let side = dir.cross(Vec3::Y).normalize_or(Vec3::Z) * 0.08;
            gizmos.line(e + side, e - side, Color::srgb(0.9, 0.25, 0.25));
        }
    }
}
