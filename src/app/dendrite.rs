//! The Dendrite view: a scenario's stretch of dendrite (the core's
//! `Dendrite`), drawn on a stage below the single synapse
//! (`DENDRITE_STAGE`, the `dendrite` viewpoint): the shaft, each spine
//! synapse (neck, head, bouton), the shaft's extrasynaptic NMDA receptors,
//! and the glutamate in every cleft and in the shared space, rewritten each
//! frame from the model. A spine head glows with its open NMDA channels; a
//! click selects its synapse (the Dendrite panel fires it).
//!
//! Drawn as simulated, with one exception said on screen: the shared space
//! knows how many molecules each 0.5 µm voxel holds, not where in it they
//! are, so its dots are placed at random inside their voxel (redrawn as the
//! space steps). Sizes are to scale (1 world unit = 100 nm) except the
//! molecules' dots.

use super::instancing::{Instance, InstanceBatch};
use super::palette;
use super::scene::{Label, Labels, Look, Selectable, Themed, label, look_of_receptor, select_on_click};
use super::shared::{InInstance, Selection};
use super::sim_bridge::{SimState, Slot};
use crate::command::camera::DENDRITE_STAGE;
use bevy::camera::visibility::NoFrustumCulling;
use bevy::picking::Pickable;
use bevy::prelude::*;
use synapse_core::dendrite::Dendrite;

/// World units per µm (as the single synapse's `scene::S`).
const S: f32 = super::scene::S;
/// Dot radii (world units): glutamate in the shared space is drawn larger
/// than in a cleft so that a few molecules per voxel can be seen from afar.
const SPACE_DOT: f32 = 0.35;
const CLEFT_DOT: f32 = 0.12;
const RECEPTOR_DOT: f32 = 0.3;
/// A spine neck's radius (µm): thin necks are ~0.1 µm across (Harris,
/// Jensen & Tsao 1992); not a model parameter (the neck is not simulated).
const NECK_RADIUS_UM: f32 = 0.06;
/// The boutons' radius (µm), schematic: the presynaptic side of each
/// spine synapse is simulated as release machinery, not as a shape.
const BOUTON_RADIUS_UM: f32 = 0.25;

pub struct DendritePlugin;

impl Plugin for DendritePlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, (rebuild_stage.after(super::scene::SceneRebuilt), sync_heads, sync_glutamate).chain().in_set(super::sim_bridge::AppSystems::Writeback));
    }
}

/// A part of the stage (rebuilt with the instance's model).
#[derive(Component)]
struct StagePart;

/// Build each instance's stage when its model is (re)built (its
/// generation), after the scene has given it its labels: the stage's join them.
fn rebuild_stage(
    mut commands: Commands,
    instances: Query<(Entity, &SimState)>,
    mut built: Local<std::collections::HashMap<Entity, u64>>,
    old: Query<(Entity, &InInstance), With<StagePart>>,
    mut labels: Query<&mut Labels>,
    mut dot_mesh: Local<Option<Handle<Mesh>>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let dot = dot_mesh.get_or_insert_with(|| meshes.add(Sphere::new(1.0).mesh().ico(1).expect("ico sphere"))).clone();
    let now: Vec<(Entity, u64)> = instances.iter().map(|(r, s)| (r, s.generation)).collect();
    for root in super::shared::rebuilt(&mut commands, &now, &mut built, old.iter()) {
        let Ok((_, state)) = instances.get(root) else { continue };
        if let Some(d) = &state.exp.dendrite {
            let stage = spawn_stage(&mut commands, root, d, dot.clone(), &mut meshes, &mut materials);
            if let Ok(mut l) = labels.get_mut(root) {
                l.0.extend(stage);
            }
        }
    }
}

/// A spine head of the dendrite: its synapse and its own material (its glow).
#[derive(Component)]
struct Head(usize);

/// The stage's instanced dots: glutamate and the shaft's receptors.
#[derive(Component)]
struct StageDots;

/// A point of the segment (µm, the core's frame: the shaft along x from 0
/// to its length) in the instance's world: the stage's middle at `DENDRITE_STAGE`.
pub fn world(d: &Dendrite, p: [f64; 3]) -> Vec3 {
    DENDRITE_STAGE + Vec3::new((p[0] - d.config.length_um / 2.0) as f32, p[1] as f32, p[2] as f32) * S
}

/// Spawn the segment under `root` (rebuilt with the instance's scene);
/// returns its labels.
fn spawn_stage(commands: &mut Commands, root: Entity, d: &Dendrite, dot_mesh: Handle<Mesh>, meshes: &mut Assets<Mesh>, materials: &mut Assets<StandardMaterial>) -> Vec<Label> {
    let c = &d.config;
    let spine_color = palette::SPINE.with_alpha(1.0);
    let membrane = |materials: &mut Assets<StandardMaterial>, color: Color| materials.add(StandardMaterial { base_color: color, perceptual_roughness: 0.8, ..default() });
    let shaft_m = membrane(materials, spine_color);
    let shaft = meshes.add(Cylinder::new(c.shaft_radius_um as f32 * S, c.length_um as f32 * S));
    let along_x = Quat::from_rotation_z(std::f32::consts::FRAC_PI_2);
    part(
        commands,
        root,
        (Mesh3d(shaft), MeshMaterial3d(shaft_m), Transform::from_translation(DENDRITE_STAGE).with_rotation(along_x), Themed(spine_color), Pickable::IGNORE, Name::new("Dendritic shaft")),
    );
    let neck_len = c.neck_um as f32 * S;
    let neck = meshes.add(Cylinder::new(NECK_RADIUS_UM * S, neck_len));
    let head_r = c.head_um as f32 * S / 2.0;
    let head = meshes.add(Sphere::new(head_r).mesh().uv(24, 16));
    let bouton = meshes.add(Sphere::new(BOUTON_RADIUS_UM * S).mesh().uv(24, 16));
    let neck_m = membrane(materials, spine_color);
    let bouton_m = materials.add(StandardMaterial { base_color: palette::BOUTON, alpha_mode: AlphaMode::Blend, perceptual_roughness: 0.8, ..default() });
    for (i, site) in d.sites.iter().enumerate() {
        let n = Vec3::new(site.normal[0] as f32, site.normal[1] as f32, site.normal[2] as f32);
        let turn = Quat::from_rotation_arc(Vec3::Y, n);
        // The neck from the shaft's surface, the head beyond it, the cleft at the head's top.
        let root_at = world(d, [site.pos_um[0], 0.0, 0.0]);
        let neck_at = root_at + n * (c.shaft_radius_um as f32 * S + neck_len / 2.0);
        let head_at = root_at + n * ((c.shaft_radius_um + c.neck_um) as f32 * S + head_r);
        let cleft = world(d, site.pos_um);
        part(
            commands,
            root,
            (
                Mesh3d(neck.clone()),
                MeshMaterial3d(neck_m.clone()),
                Transform::from_translation(neck_at).with_rotation(turn),
                Themed(spine_color),
                Pickable::IGNORE,
                Name::new(format!("Spine neck {i}")),
            ),
        );
        // Its own material: its glow is its synapse's.
        let head_m = membrane(materials, spine_color);
        part(commands, root, (Mesh3d(head.clone()), MeshMaterial3d(head_m), Transform::from_translation(head_at), Head(i), Selectable::Synapse(i), Name::new(format!("Spine head {i}"))))
            .observe(select_on_click);
        let bouton_at = cleft + n * (0.02 * S + BOUTON_RADIUS_UM * S);
        part(
            commands,
            root,
            (Mesh3d(bouton.clone()), MeshMaterial3d(bouton_m.clone()), Transform::from_translation(bouton_at), Themed(palette::BOUTON), Pickable::IGNORE, Name::new(format!("Bouton {i}"))),
        );
    }
    part(commands, root, (StageDots, Mesh3d(dot_mesh), InstanceBatch::default(), NoFrustumCulling, Transform::IDENTITY, Pickable::IGNORE, Name::new("Dendrite glutamate")));
    use crate::lecture::Evidence::{Established, Illustrative};
    let reach = (c.shaft_radius_um + c.neck_um + c.head_um) as f32 * S;
    vec![
        label(
            &format!("shaft: extrasynaptic NMDA receptors ({:.0} %)", c.extrasynaptic_fraction * 100.0),
            DENDRITE_STAGE + Vec3::new(-c.length_um as f32 * S * 0.3, -c.shaft_radius_um as f32 * S, c.shaft_radius_um as f32 * S),
            Established,
            "36 %: Harris & Pettit 2007; the same GluN2A:2B mix as the synapses",
        ),
        label(
            &format!("{} spine synapses (click one)", d.sites.len()),
            d.sites.first().map_or(DENDRITE_STAGE, |s| world(d, s.pos_um)),
            Established,
            "2.89 spines/µm, PSD sizes: Harris & Weinberg 2012; astrocytic contact: Ventura & Harris 1999",
        ),
        label(
            "glutamate in the shared space (placed at random in its voxel)",
            DENDRITE_STAGE + Vec3::new(c.length_um as f32 * S * 0.3, reach + 6.0, 0.0),
            Illustrative,
            "counts per voxel simulated; the drip balances uptake at 25 nM (Herman & Jahr 2007, calibrated)",
        ),
    ]
}

/// One part of the stage, rebuilt with the instance's scene.
fn part<'a>(commands: &'a mut Commands, root: Entity, bundle: impl Bundle) -> EntityCommands<'a> {
    commands.spawn((ChildOf(root), InInstance(root), StagePart, bundle))
}

/// Each spine head glows with its synapse's open NMDA channels and grows
/// when selected.
fn sync_heads(
    states: Query<&SimState>,
    selection: Res<Selection>,
    mut heads: Query<(&Head, &InInstance, &MeshMaterial3d<StandardMaterial>, &mut Transform)>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    for (head, of, mat, mut t) in &mut heads {
        let Ok(state) = states.get(of.0) else { continue };
        let Some(d) = &state.exp.dendrite else { continue };
        if head.0 >= d.synapses.len() {
            continue;
        }
        let open = d.synaptic_nmda_open(head.0) as f32;
        if let Some(mut m) = materials.get_mut(&mat.0) {
            // Three open channels already glow fully: a neighbour's first openings must show.
            m.emissive = palette::RECEPTOR_OPEN.to_linear() * (open / 3.0).min(1.0) * 4.0;
        }
        let chosen = *selection == Selection(Some(Selectable::Synapse(head.0)), Some(of.0));
        t.scale = Vec3::splat(if chosen { 1.35 } else { 1.0 });
    }
}

/// The stage's dots: glutamate in each cleft (where the model has it), in
/// the shared space (at random inside its voxel), the shaft's receptors.
fn sync_glutamate(states: Query<(&SimState, &Slot)>, mut q: Query<(&mut InstanceBatch, &InInstance), With<StageDots>>) {
    for (mut batch, of) in &mut q {
        let Ok((state, slot)) = states.get(of.0) else { continue };
        let Some(d) = &state.exp.dendrite else { continue };
        fill(&mut batch.0, d, slot.origin());
    }
}

fn fill(out: &mut Vec<Instance>, d: &Dendrite, origin: Vec3) {
    out.clear();
    let glu = palette::GLUTAMATE.to_linear().to_f32_array();
    for (s, site) in d.synapses.iter().zip(&d.sites) {
        // The cleft's frame: x along the shaft, y across it in the cleft's
        // plane, z (the cleft's height) along the spine's axis.
        let n = Vec3::new(site.normal[0] as f32, site.normal[1] as f32, site.normal[2] as f32);
        let (u, w) = (Vec3::X, n.cross(Vec3::X));
        let at = world(d, site.pos_um) + origin;
        let m = &s.molecules;
        out.extend((0..m.len()).map(|i| Instance { position: at + (u * m.x[i] + w * m.y[i] + n * m.z[i]) * S, radius: CLEFT_DOT, color: glu }));
    }
    let sp = &d.space;
    // Redrawn each step of the space: the places are not simulated, their number is.
    let epoch = d.step_index / d.config.space_every_steps as u64;
    for (v, &count) in sp.count.iter().enumerate() {
        let c = sp.centre(v);
        for k in 0..count {
            let h = synapse_core::rng::mix64((v as u64) << 20 ^ k ^ epoch.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let r = |shift: u32| ((h >> shift) & 0xFFFF) as f64 / 65536.0 - 0.5;
            let p = [c[0] + r(0) * sp.voxel_um, c[1] + r(16) * sp.voxel_um, c[2] + r(32) * sp.voxel_um];
            out.push(Instance { position: world(d, p) + origin, radius: SPACE_DOT, color: glu });
        }
    }
    // The shaft's receptors, on its surface under their voxel (their angle is
    // the voxel's), in the single synapse's colours for their state (an open
    // channel drawn Mg²⁺-blocked as often as the block holds it at the shaft's clamp).
    let r = &d.extrasynaptic;
    let shaft = d.config.shaft_radius_um;
    let mg_mm = d.synapses.first().map_or(0.0, |s| s.mg_mm());
    for k in 0..r.len() {
        let c = sp.centre(d.extrasynaptic_voxel[k] as usize);
        let around = (c[1] * c[1] + c[2] * c[2]).sqrt().max(1e-9);
        let jitter = (synapse_core::rng::mix64(k as u64) >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
        let p = [c[0] + jitter * sp.voxel_um, c[1] / around * (shaft + 0.02), c[2] / around * (shaft + 0.02)];
        let look = look_of_receptor(r, k, d.config.holding_mv, mg_mm, d.step_index);
        let state = Look::ALL.iter().position(|l| *l == look).unwrap_or(0);
        let color = palette::receptor_states(r.types[r.kind[k] as usize].kind)[state].to_linear().to_f32_array();
        out.push(Instance { position: world(d, p) + origin, radius: RECEPTOR_DOT, color });
    }
}
