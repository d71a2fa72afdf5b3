//! The 3D synapse: membranes, receptors, vesicles, Ca2+ channels,
//! transporters, the interneuron terminal, and every glutamate molecule of
//! the core, placed from the simulation state each frame. Each instance
//! (A, and B of a comparison) gets its own copy under its root entity;
//! every visual carries `InInstance` so the systems read its own experiment.
//!
//! World units: 1 unit = 100 nm (core µm × 10). The cleft is the slab
//! 0 ≤ y ≤ 0.2 (core z → world y); the presynaptic bouton sits above it, the
//! spine below. Sizes that are not to scale are listed in `SCALE_NOTE`.

use super::instancing::{Instance, InstanceBatch};
use super::palette;
use super::shared::{InInstance, Selection};
use super::sim_bridge::{AppCommand, SimState};
use bevy::asset::RenderAssetUsages;
use bevy::camera::visibility::NoFrustumCulling;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::picking::Pickable;
use bevy::prelude::*;
use synapse_core::receptors::ReceptorKind;
use synapse_core::receptors::nmda::mg_unblock;
use synapse_core::sim::Simulation;

pub use crate::command::view::Selectable;

// What a person can click carries its `Selectable` as a component.
impl Component for Selectable {
    const STORAGE_TYPE: bevy::ecs::component::StorageType = bevy::ecs::component::StorageType::Table;
    type Mutability = bevy::ecs::component::Mutable;
}

/// World units per µm.
pub const S: f32 = 10.0;

/// What is and is not to scale, shown on screen.
pub const SCALE_NOTE: &str = "To scale: cleft (20 nm), PSD, active zone, vesicles (40 nm), receptor positions. \
Enlarged for visibility: glutamate dots (×7), receptors (×1.5). One dot = one simulated molecule. \
Membrane shapes, the astrocyte sheets and the glutamine path are schematic.";

/// Where the dendrite shaft runs (world units), below the spine.
pub const DENDRITE_Y: f32 = -5.0;

/// Core coordinates (µm) to world.
pub fn world(x_um: f32, y_um: f32, z_um: f32) -> Vec3 {
    Vec3::new(x_um * S, z_um * S, y_um * S)
}

/// Display state of a receptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Look {
    Closed,
    Bound,
    Open,
    Desensitized,
    /// Open NMDA channel with Mg2+ in the pore.
    Blocked,
}

impl Look {
    pub const ALL: [Look; 5] = [Look::Closed, Look::Bound, Look::Open, Look::Desensitized, Look::Blocked];
    pub fn label(self) -> &'static str {
        match self {
            Look::Closed => "closed",
            Look::Bound => "glutamate bound",
            Look::Open => "open",
            Look::Desensitized => "desensitised",
            Look::Blocked => "Mg2+-blocked",
        }
    }
}

/// The postsynaptic spine head (it grows with synaptic protein).
#[derive(Component)]
pub struct SpineHead;

/// Entities rebuilt when the model is (re)loaded.
#[derive(Component)]
struct Dynamic;

/// The single synapse's batch of molecule dots (other plugins draw batches too).
#[derive(Component)]
struct SynapseDots;

#[derive(Component)]
struct ReceptorVisual(usize);
/// A drug molecule lodged in receptor `k`'s pore (shown while it is there).
#[derive(Component)]
struct PoreDrug(usize);
#[derive(Component)]
struct DockVisual(usize);
#[derive(Component)]
struct ReserveVisual(usize);
#[derive(Component)]
struct ChannelVisual(usize);
#[derive(Component)]
struct GabaFlash;

/// Shared handles for the per-state materials.
#[derive(Resource)]
struct Palette {
    receptor: Vec<[Handle<StandardMaterial>; 5]>,
    receptor_mesh: Vec<Handle<Mesh>>,
    vesicle_full: Handle<StandardMaterial>,
    vesicle_empty: Handle<StandardMaterial>,
    vesicle_mesh: Handle<Mesh>,
    channel_closed: Handle<StandardMaterial>,
    channel_open: Handle<StandardMaterial>,
    channel_mesh: Handle<Mesh>,
    dot_mesh: Handle<Mesh>,
    pore_mesh: Handle<Mesh>,
    pore_material: Handle<StandardMaterial>,
}

/// Named points for on-screen labels, in the instance's own coordinates
/// (a component of the instance).
#[derive(Component, Default, Clone)]
pub struct Labels(pub Vec<Label>);

/// A scene label: what it names, where, and how well that is known (the evidence layer, key E).
#[derive(Clone, Debug)]
pub struct Label {
    pub text: String,
    pub at: Vec3,
    pub evidence: crate::lecture::Evidence,
    /// Where the drawn thing's numbers come from, or why it is schematic.
    pub source: &'static str,
}

pub fn label(text: &str, at: Vec3, evidence: crate::lecture::Evidence, source: &'static str) -> Label {
    Label { text: text.into(), at, evidence, source }
}

pub struct ScenePlugin;

/// Where an instance's scene is rebuilt when its model is (its
/// generation); it inserts the instance's `Labels`.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct SceneRebuilt;

impl Plugin for ScenePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Selection>().add_systems(Startup, setup_static).add_systems(Update, select_commands.in_set(super::sim_bridge::AppSystems::Commands)).add_systems(
            Update,
            (rebuild_dynamic.in_set(SceneRebuilt), (sync_receptors, sync_pore_drugs, sync_vesicles, sync_channels, sync_instances, sync_gaba, draw_glutamine_and_scale_bar, theme_membranes))
                .chain()
                .in_set(super::sim_bridge::AppSystems::Writeback),
        );
    }
}

/// A hemi-ellipsoid "dome" with its flat face at y = 0, bulging to +y:
/// a bouton or (rotated) a spine head whose flat face lines the cleft.
pub fn dome(radius: f32, height: f32, rings: usize, segments: usize) -> Mesh {
    let mut positions = Vec::new();
    let mut normals = Vec::new();
    let mut indices: Vec<u32> = Vec::new();
    for r in 0..=rings {
        let phi = std::f32::consts::FRAC_PI_2 * r as f32 / rings as f32; // 0 at the rim, π/2 at the top
        for s in 0..=segments {
            let theta = std::f32::consts::TAU * s as f32 / segments as f32;
            let (x, y, z) = (radius * phi.cos() * theta.cos(), height * phi.sin(), radius * phi.cos() * theta.sin());
            positions.push([x, y, z]);
            let n = Vec3::new(x / (radius * radius), y / (height * height), z / (radius * radius)).normalize_or_zero();
            normals.push(n.to_array());
        }
    }
    let w = segments as u32 + 1;
    for r in 0..rings as u32 {
        for s in 0..segments as u32 {
            let (a, b, c, d) = (r * w + s, r * w + s + 1, (r + 1) * w + s, (r + 1) * w + s + 1);
            indices.extend([a, c, b, b, c, d]);
        }
    }
    // The flat face (the membrane facing the cleft).
    let centre = positions.len() as u32;
    positions.push([0.0, 0.0, 0.0]);
    normals.push([0.0, -1.0, 0.0]);
    for s in 0..segments as u32 {
        indices.extend([centre, s, s + 1]);
    }
    Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
        .with_inserted_indices(Indices::U32(indices))
}

/// A flat annular sector (an astrocyte process lining the sheet), thickness along y.
fn annular_sector(r0: f32, r1: f32, a0: f32, a1: f32, thickness: f32, segments: usize) -> Mesh {
    let mut positions = Vec::new();
    let mut normals = Vec::new();
    let mut indices: Vec<u32> = Vec::new();
    for (y, ny) in [(thickness / 2.0, 1.0), (-thickness / 2.0, -1.0)] {
        let base = positions.len() as u32;
        for s in 0..=segments {
            let a = a0 + (a1 - a0) * s as f32 / segments as f32;
            positions.push([r0 * a.cos(), y, r0 * a.sin()]);
            positions.push([r1 * a.cos(), y, r1 * a.sin()]);
            normals.push([0.0, ny, 0.0]);
            normals.push([0.0, ny, 0.0]);
        }
        for s in 0..segments as u32 {
            let (i, o, i2, o2) = (base + 2 * s, base + 2 * s + 1, base + 2 * s + 2, base + 2 * s + 3);
            if ny > 0.0 { indices.extend([i, i2, o, o, i2, o2]) } else { indices.extend([i, o, i2, o, o2, i2]) }
        }
    }
    Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
        .with_inserted_indices(Indices::U32(indices))
}

/// A membrane whose colour follows the theme (`palette::membrane`): on a
/// light background translucent pastels wash out, so they darken there.
#[derive(Component, Clone, Copy, Debug)]
pub struct Themed(pub Color);

/// Give themed membranes their theme's colour (when the theme changes or a scene is built).
pub fn theme_membranes(
    settings: Option<Res<super::shared::Settings>>,
    q: Query<(&MeshMaterial3d<StandardMaterial>, &Themed)>,
    added: Query<(), Added<Themed>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut last: Local<Option<bool>>,
) {
    let dark = settings.is_none_or(|s| s.dark);
    if *last == Some(dark) && added.is_empty() {
        return;
    }
    *last = Some(dark);
    for (m, t) in &q {
        if let Some(mut mat) = materials.get_mut(&m.0) {
            mat.base_color = palette::membrane(t.0, dark);
        }
    }
}

fn translucent(materials: &mut Assets<StandardMaterial>, color: Color) -> Handle<StandardMaterial> {
    materials.add(StandardMaterial { base_color: color, alpha_mode: AlphaMode::Blend, perceptual_roughness: 0.8, double_sided: true, cull_mode: None, ..default() })
}

fn setup_static(mut commands: Commands, mut meshes: ResMut<Assets<Mesh>>, mut materials: ResMut<Assets<StandardMaterial>>) {
    commands.spawn((DirectionalLight { illuminance: 9000.0, shadow_maps_enabled: false, ..default() }, Transform::from_xyz(4.0, 12.0, 6.0).looking_at(Vec3::ZERO, Vec3::Y), Name::new("Key light")));
    commands.insert_resource(GlobalAmbientLight { color: Color::WHITE, brightness: 700.0, ..default() });

    let mut receptor = Vec::new();
    let mut receptor_mesh = Vec::new();
    for kind in ReceptorKind::ALL {
        let mat =
            |materials: &mut Assets<StandardMaterial>, c: Color, glow: f32| materials.add(StandardMaterial { base_color: c, emissive: (c.to_linear() * glow), perceptual_roughness: 0.5, ..default() });
        // Bound ones glow a little, open ones brightly.
        let colours = palette::receptor_states(kind);
        receptor.push(std::array::from_fn(|i| mat(&mut materials, colours[i], [0.0, 0.3, 3.0, 0.0, 0.0][i])));
        // 1.5× real size (receptors are ~10–15 nm across).
        let mesh: Mesh = match kind {
            ReceptorKind::Ampa => Capsule3d::new(0.06, 0.10).into(),
            ReceptorKind::Nmda2A | ReceptorKind::Nmda2B => Cylinder::new(0.075, 0.2).into(),
            ReceptorKind::Kainate => Cone { radius: 0.08, height: 0.18 }.into(),
            ReceptorKind::MgluGroup1 | ReceptorKind::MgluGroup2 => Torus::new(0.035, 0.09).into(),
        };
        receptor_mesh.push(meshes.add(mesh));
    }
    commands.insert_resource(Palette {
        receptor,
        receptor_mesh,
        vesicle_full: materials.add(StandardMaterial { base_color: palette::VESICLE_LOADED, emissive: LinearRgba::rgb(0.1, 0.1, 0.15), ..default() }),
        vesicle_empty: materials.add(StandardMaterial { base_color: palette::VESICLE_REFILLING, alpha_mode: AlphaMode::Blend, ..default() }),
        vesicle_mesh: meshes.add(Sphere::new(0.2).mesh().ico(3).expect("ico sphere")),
        channel_closed: materials.add(StandardMaterial { base_color: palette::CA_CHANNEL_CLOSED, ..default() }),
        channel_open: materials.add(StandardMaterial { base_color: palette::CA_CHANNEL_OPEN, emissive: LinearRgba::rgb(6.0, 5.0, 1.0), ..default() }),
        channel_mesh: meshes.add(Cylinder::new(0.05, 0.12)),
        dot_mesh: meshes.add(Sphere::new(1.0).mesh().ico(1).expect("ico sphere")),
        // A blocker molecule (ketamine is ~1 nm; drawn 4 nm across to be seen).
        pore_mesh: meshes.add(Sphere::new(0.04).mesh().ico(2).expect("ico sphere")),
        pore_material: materials.add(StandardMaterial { base_color: palette::PORE_DRUG, emissive: LinearRgba::rgb(3.0, 0.8, 0.2), ..default() }),
    });
}

/// (Re)spawn everything that depends on the loaded scenario.
fn rebuild_dynamic(
    mut commands: Commands,
    instances: Query<(Entity, &SimState)>,
    mut built: Local<std::collections::HashMap<Entity, u64>>,
    old: Query<(Entity, &InInstance), With<Dynamic>>,
    palette: Res<Palette>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
    mut selection: ResMut<Selection>,
) {
    let now: Vec<(Entity, u64)> = instances.iter().map(|(r, s)| (r, s.generation)).collect();
    for root in super::shared::rebuilt(&mut commands, &now, &mut built, old.iter()) {
        let Ok((_, state)) = instances.get(root) else { continue };
        if selection.1 == Some(root) {
            *selection = Selection::default();
        }
        let labels = spawn_synapse(&mut commands, root, state, &palette, &mut meshes, &mut materials);
        commands.entity(root).insert(labels);
    }
}

/// Spawn one instance's synapse under `root`; returns its labels.
fn spawn_synapse(commands: &mut Commands, root: Entity, state: &SimState, palette: &Palette, meshes: &mut Assets<Mesh>, materials: &mut Assets<StandardMaterial>) -> Labels {
    let sim = &state.sim;
    let d = Dims::of(sim);
    let mut s = Spawner { commands, root, palette, meshes, materials };
    s.membranes(sim, &d);
    let inter = s.interneuron(sim, &d);
    s.receptors(sim, &d);
    s.release_machinery(sim, &d);
    // One instanced batch: every glutamate molecule, then every transporter patch.
    let dots = s.palette.dot_mesh.clone();
    s.spawn((Mesh3d(dots), SynapseDots, InstanceBatch::default(), NoFrustumCulling, Transform::IDENTITY, Pickable::IGNORE, Name::new("Glutamate molecules and EAAT patches")));
    scene_labels(sim, &d, inter)
}

/// The synapse's sizes in world units, from its geometry.
struct Dims {
    /// Cleft height.
    h: f32,
    /// PSD radius (µm, as the core's coordinates).
    psd_um: f32,
    /// The bouton's radius.
    bouton_r: f32,
}

impl Dims {
    fn of(sim: &Simulation) -> Self {
        let g = &sim.scenario.geometry;
        Self { h: (g.cleft_height_nm * 1e-3) as f32, psd_um: g.psd_radius_um as f32, bouton_r: (g.psd_radius_um as f32 * 2.2) * S }
    }
}

/// Spawns an instance's visuals as children of its root; each carries the
/// instance (`InInstance`) and is rebuilt with it (`Dynamic`).
struct Spawner<'a, 'w, 's> {
    commands: &'a mut Commands<'w, 's>,
    root: Entity,
    palette: &'a Palette,
    meshes: &'a mut Assets<Mesh>,
    materials: &'a mut Assets<StandardMaterial>,
}

impl Spawner<'_, '_, '_> {
    fn spawn(&mut self, bundle: impl Bundle) -> EntityCommands<'_> {
        self.commands.spawn((ChildOf(self.root), InInstance(self.root), Dynamic, bundle))
    }

    /// Bouton, spine head and PSD (not pickable: they must not hide what is
    /// behind them), and the astrocyte processes lining the sheet, as the core's sectors.
    fn membranes(&mut self, sim: &Simulation, d: &Dims) {
        let (bouton_r, psd) = (d.bouton_r, d.psd_um);
        let (bouton, spine, disc) =
            (self.meshes.add(dome(bouton_r, bouton_r * 0.75, 16, 48)), self.meshes.add(dome(psd * 1.9 * S, psd * 1.6 * S, 16, 48)), self.meshes.add(Cylinder::new(psd * S, 0.03)));
        let (bouton_m, spine_m) = (translucent(self.materials, palette::BOUTON), translucent(self.materials, palette::SPINE));
        let disc_m = self.materials.add(StandardMaterial { base_color: palette::PSD, alpha_mode: AlphaMode::Blend, ..default() });
        self.spawn((Mesh3d(bouton), MeshMaterial3d(bouton_m), Themed(palette::BOUTON), Transform::from_translation(world(0.0, 0.0, d.h)), Pickable::IGNORE, Name::new("Presynaptic bouton")));
        self.spawn((
            Mesh3d(spine),
            MeshMaterial3d(spine_m),
            Themed(palette::SPINE),
            Transform::from_rotation(Quat::from_rotation_x(std::f32::consts::PI)),
            Pickable::IGNORE,
            SpineHead,
            Name::new("Postsynaptic spine head"),
        ));
        self.spawn((Mesh3d(disc), MeshMaterial3d(disc_m), Transform::from_xyz(0.0, -0.02, 0.0), Pickable::IGNORE, Name::new("Postsynaptic density")));
        let g = &sim.scenario.geometry;
        let astro = translucent(self.materials, palette::ASTROCYTE);
        let n = g.astro_processes.max(1);
        for k in 0..n {
            let a0 = std::f32::consts::TAU * k as f32 / n as f32;
            let a1 = a0 + std::f32::consts::TAU * g.astro_coverage as f32 / n as f32;
            // Core angle atan2(y, x) maps to world atan2(z, x): the same sectors.
            let sector = self.meshes.add(annular_sector(g.astro_inner_radius_um as f32 * S, g.outer_radius_um as f32 * S, a0, a1, 0.06, 24));
            self.spawn((
                Mesh3d(sector),
                MeshMaterial3d(astro.clone()),
                Themed(palette::ASTROCYTE),
                Transform::from_xyz(0.0, -0.05, 0.0),
                Selectable::Transporters,
                Name::new(format!("Astrocyte process {k}")),
            ))
            .observe(select_on_click);
        }
    }

    /// The GABAergic interneuron terminal beside the spine, its vesicles and
    /// the flash of its release; returns where it sits.
    fn interneuron(&mut self, sim: &Simulation, d: &Dims) -> Vec3 {
        // Drawn to the left of the bouton as the default views see it (across
        // their line of sight, yaw 0.6 rad), between the astrocyte sheet and the
        // dendrite: in front of the spine it hid the cleft, lower down the dendrite.
        let dist = (sim.scenario.geometry.interneuron_distance_um as f32 * S).max(d.bouton_r + 1.6);
        let yaw = 0.6f32;
        let inter = Vec3::new(-dist * yaw.cos(), -0.9, dist * yaw.sin());
        let (body, body_m) = (self.meshes.add(Sphere::new(1.1)), translucent(self.materials, palette::INTERNEURON));
        self.spawn((Mesh3d(body), MeshMaterial3d(body_m), Themed(palette::INTERNEURON), Transform::from_translation(inter), Pickable::IGNORE, Name::new("GABAergic interneuron terminal")));
        let gaba_mat = self.materials.add(StandardMaterial { base_color: Color::srgb(0.85, 0.7, 1.0), ..default() });
        for k in 0..sim.scenario.interneuron.release_sites.min(12) {
            let a = k as f32 * 1.3;
            let vesicle = self.palette.vesicle_mesh.clone();
            let at = inter + Vec3::new(0.5 * a.cos(), -0.3 + 0.1 * k as f32, 0.5 * a.sin());
            self.spawn((Mesh3d(vesicle), MeshMaterial3d(gaba_mat.clone()), Transform::from_translation(at).with_scale(Vec3::splat(0.8)), Name::new(format!("GABA vesicle {k}"))));
        }
        let flash = self.meshes.add(Sphere::new(0.6));
        let flash_m = self.materials.add(StandardMaterial { base_color: Color::srgba(1.0, 0.5, 0.9, 0.0), emissive: LinearRgba::rgb(2.0, 0.8, 2.0), alpha_mode: AlphaMode::Blend, ..default() });
        self.spawn((
            Mesh3d(flash),
            MeshMaterial3d(flash_m),
            Transform::from_translation(inter.lerp(Vec3::new(0.0, -0.8, 0.0), 0.5)),
            Visibility::Hidden,
            Pickable::IGNORE,
            GabaFlash,
            Name::new("GABA release"),
        ));
        inter
    }

    /// Every receptor on its membrane (presynaptic ones on the bouton), with
    /// a blocker in the pore of those a drug can block.
    fn receptors(&mut self, sim: &Simulation, d: &Dims) {
        let r = &sim.receptors;
        let p = self.palette;
        for k in 0..r.len() {
            let kind = r.types[r.kind[k] as usize].kind;
            let y = if kind.presynaptic() { d.h * S + 0.08 } else { -0.02 };
            let mut t = Transform::from_translation(Vec3::new(r.x_um[k] * S, y, r.y_um[k] * S));
            if matches!(kind, ReceptorKind::Nmda2A | ReceptorKind::Nmda2B | ReceptorKind::Kainate | ReceptorKind::Ampa) {
                t.translation.y += 0.06;
            }
            let root = self.root;
            let mut receptor = self.spawn((
                Mesh3d(p.receptor_mesh[kind as usize].clone()),
                MeshMaterial3d(p.receptor[kind as usize][0].clone()),
                t,
                ReceptorVisual(k),
                Selectable::Receptor(k),
                Name::new(format!("{} receptor {k}", kind.label())),
            ));
            receptor.observe(select_on_click);
            if kind.blockable() {
                receptor.with_child((
                    InInstance(root),
                    Mesh3d(p.pore_mesh.clone()),
                    MeshMaterial3d(p.pore_material.clone()),
                    Transform::from_xyz(0.0, 0.11, 0.0),
                    Visibility::Hidden,
                    PoreDrug(k),
                    Name::new(format!("Blocker in receptor {k}")),
                ));
            }
        }
    }

    /// Docked vesicles at their release sites, reserve vesicles in the
    /// bouton, Ca²⁺ channels in the active zone.
    fn release_machinery(&mut self, sim: &Simulation, d: &Dims) {
        let (pre, p, h) = (&sim.pre, self.palette, d.h);
        for (s, site) in pre.sites.iter().enumerate() {
            self.spawn((
                Mesh3d(p.vesicle_mesh.clone()),
                MeshMaterial3d(p.vesicle_full.clone()),
                Transform::from_translation(world(site.x_um, site.y_um, h) + Vec3::Y * 0.21),
                DockVisual(s),
                Selectable::DockSite(s),
                Name::new(format!("Docked vesicle {s}")),
            ))
            .observe(select_on_click);
        }
        // Illustrative placement inside the bouton (positions are not
        // simulated), from a small xorshift seeded by the scenario: the same picture each time.
        let mut rng_state = sim.scenario.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = || {
            rng_state ^= rng_state << 13;
            rng_state ^= rng_state >> 7;
            rng_state ^= rng_state << 17;
            (rng_state >> 40) as f32 / (1u64 << 24) as f32
        };
        for v in 0..pre.reserve.len().min(40) {
            let (a, rr, y) = (next() * std::f32::consts::TAU, next().sqrt() * d.bouton_r * 0.7, h * S + 0.6 + next() * d.bouton_r * 0.45);
            self.spawn((
                Mesh3d(p.vesicle_mesh.clone()),
                MeshMaterial3d(p.vesicle_full.clone()),
                Transform::from_xyz(rr * a.cos(), y, rr * a.sin()),
                ReserveVisual(v),
                Name::new(format!("Reserve vesicle {v}")),
            ));
        }
        for c in 0..pre.ca_channel_open.len() {
            self.spawn((
                Mesh3d(p.channel_mesh.clone()),
                MeshMaterial3d(p.channel_closed.clone()),
                Transform::from_translation(world(pre.ca_channel_x_um[c], pre.ca_channel_y_um[c], h) + Vec3::Y * 0.03),
                ChannelVisual(c),
                Selectable::CaChannel(c),
                Name::new(format!("Ca2+ channel {c}")),
            ))
            .observe(select_on_click);
        }
    }
}

/// The scene's labels, each with its evidence level and source.
fn scene_labels(sim: &Simulation, d: &Dims, inter: Vec3) -> Labels {
    use crate::lecture::Evidence::{Established, Hypothesis, Illustrative};
    let g = &sim.scenario.geometry;
    let (h, psd) = (d.h, d.psd_um);
    let astro_at = {
        let a = std::f32::consts::TAU / g.astro_processes.max(1) as f32 * g.astro_coverage as f32 * 0.5;
        let r = (g.astro_inner_radius_um as f32 + g.outer_radius_um as f32) * 0.5 * S;
        Vec3::new(r * a.cos(), 0.0, r * a.sin())
    };
    Labels(vec![
        label("Presynaptic bouton", Vec3::new(0.0, h * S + d.bouton_r * 0.8, 0.0), Established, "vesicles and active zone: Schikorski & Stevens 1997; its dome shape is schematic"),
        label("Synaptic cleft (20 nm)", Vec3::new(-psd * S * 1.2, h * S * 0.5, 0.0), Established, "20 nm: Savtchenko & Rusakov 2007"),
        label("Postsynaptic spine (PSD)", Vec3::new(0.0, -psd * S * 1.7, 0.0), Established, "PSD 300 nm: Schikorski & Stevens 1997; receptor counts approx."),
        label("Astrocyte + EAATs", astro_at, Established, "GLT-1 and GLAST densities: Lehre & Danbolt 1998; sheets schematic"),
        label("GABA interneuron", inter - Vec3::Y * 1.4, Illustrative, "placed for the view; GAD and GABA release are modelled"),
        label("100 nm", scale_bar_origin(psd) + Vec3::new(0.5, 0.0, 0.3), Established, "to scale"),
        // Short, and where the path leaves the astrocyte: at the arc's top it covered the bouton.
        label("glutamine (schematic path)", glutamine_path(g.astro_inner_radius_um as f32, 0.0), Illustrative, "path and speed schematic; the speed follows the model's shuttle flux"),
        label(
            "dendrite (new spines grow here, green, on the slow clock)",
            Vec3::new(0.0, DENDRITE_Y - 1.0, 0.0),
            Hypothesis,
            "spine growth calibrated to Li 2010 and Moda-Sava 2019; placement schematic",
        ),
    ])
}

/// A click selects through a command, as a lecture or a replay would.
pub fn select_on_click(click: On<Pointer<Click>>, targets: Query<(&Selectable, &InInstance)>, slots: Query<&super::sim_bridge::Slot>, mut out: MessageWriter<AppCommand>) {
    if let Ok((s, of)) = targets.get(click.event_target())
        && let Ok(slot) = slots.get(of.0)
    {
        out.write(AppCommand::Select(Some((*slot, *s))));
    }
}

/// `AppCommand::Select`: the selection, in the instance of that slot.
fn select_commands(mut commands: MessageReader<AppCommand>, instances: Option<Res<super::sim_bridge::Instances>>, mut selection: ResMut<Selection>) {
    let Some(instances) = instances else { return };
    for c in commands.read() {
        match c {
            AppCommand::Select(None) => *selection = Selection::default(),
            AppCommand::Select(Some((slot, s))) => {
                let e = match slot {
                    super::sim_bridge::Slot::A => Some(instances.a),
                    super::sim_bridge::Slot::B => instances.b,
                };
                *selection = Selection(Some(*s), e);
            }
            AppCommand::Sim(..)
            | AppCommand::Playback(_)
            | AppCommand::Slow(_)
            | AppCommand::LoadScenario { .. }
            | AppCommand::Compare(_)
            | AppCommand::Camera(_)
            | AppCommand::View(_)
            | AppCommand::SaveScenario { .. }
            | AppCommand::Caption(_)
            | AppCommand::Lecture(_) => {}
        }
    }
}

/// The display state of receptor `k` (Mg2+ block is drawn for open NMDA
/// channels with probability 1 − B(V), hashed per channel so it does not flicker).
pub fn look_of(state: &SimState, k: usize) -> Look {
    look_of_receptor(&state.sim.receptors, k, state.sim.membrane.v_mv, state.sim.mg_mm(), state.sim.step_index)
}

/// The display state of receptor `k` of `r` at membrane voltage `v_mv` in
/// `mg_mm` Mg²⁺ at fast step `step` (the single synapse's and the dendrite's shaft's).
pub fn look_of_receptor(r: &synapse_core::receptors::Receptors, k: usize, v_mv: f64, mg_mm: f64, step: u64) -> Look {
    let ty = &r.types[r.kind[k] as usize];
    let st = &ty.scheme.states[r.state[k] as usize];
    if r.blocked[k] != 0 {
        // A drug in the pore (open, or trapped in a closed channel).
        return Look::Blocked;
    }
    if st.open {
        if matches!(ty.kind, ReceptorKind::Nmda2A | ReceptorKind::Nmda2B) {
            let b = mg_unblock(v_mv, mg_mm);
            let u = (synapse_core::rng::mix64(k as u64 ^ (step / 2000)) >> 11) as f64 / (1u64 << 53) as f64;
            if u >= b {
                return Look::Blocked;
            }
        }
        Look::Open
    } else if st.desensitized {
        Look::Desensitized
    } else if st.glu_bound > 0 {
        Look::Bound
    } else {
        Look::Closed
    }
}

fn sync_pore_drugs(states: Query<&SimState>, mut q: Query<(&PoreDrug, &InInstance, &mut Visibility)>) {
    for (p, of, mut vis) in &mut q {
        let Ok(state) = states.get(of.0) else { continue };
        let blocked = &state.sim.receptors.blocked;
        let want = if blocked.get(p.0).is_some_and(|&b| b != 0) { Visibility::Inherited } else { Visibility::Hidden };
        if *vis != want {
            *vis = want;
        }
    }
}

fn sync_receptors(states: Query<&SimState>, palette: Res<Palette>, mut q: Query<(&ReceptorVisual, &InInstance, &mut MeshMaterial3d<StandardMaterial>)>) {
    for (v, of, mut mat) in &mut q {
        let Ok(state) = states.get(of.0) else { continue };
        let r = &state.sim.receptors;
        if v.0 >= r.len() {
            continue;
        }
        let kind = r.types[r.kind[v.0] as usize].kind;
        let look = look_of(state, v.0);
        let idx = Look::ALL.iter().position(|l| *l == look).unwrap_or(0);
        let want = &palette.receptor[kind as usize][idx];
        if mat.0 != *want {
            mat.0 = want.clone();
        }
    }
}

fn sync_vesicles(
    states: Query<&SimState>,
    palette: Res<Palette>,
    mut docked: Query<(&DockVisual, &InInstance, &mut Transform, &mut Visibility, &mut MeshMaterial3d<StandardMaterial>), Without<ReserveVisual>>,
    mut reserve: Query<(&ReserveVisual, &InInstance, &mut Visibility), Without<DockVisual>>,
) {
    for (d, of, mut t, mut vis, mut mat) in &mut docked {
        let Ok(state) = states.get(of.0) else { continue };
        let pre = &state.sim.pre;
        let full = state.sim.scenario.presynaptic.glutamate_per_vesicle.max(1) as f64;
        let site = &pre.sites[d.0];
        if let Some(content) = site.vesicle {
            *vis = Visibility::Visible;
            t.scale = Vec3::ONE;
            mat.0 = if content > 0.5 * full { palette.vesicle_full.clone() } else { palette.vesicle_empty.clone() };
        } else if let Some(f) = pre.fusing.iter().find(|f| f.site == d.0) {
            // Fusion: the vesicle collapses into the membrane as it empties.
            let left = (f.remaining as f64 / full) as f32;
            *vis = Visibility::Visible;
            t.scale = Vec3::new(1.0 + 0.6 * (1.0 - left), 0.15 + 0.85 * left, 1.0 + 0.6 * (1.0 - left));
        } else {
            *vis = Visibility::Hidden;
        }
    }
    for (v, of, mut vis) in &mut reserve {
        let Ok(state) = states.get(of.0) else { continue };
        *vis = if v.0 < state.sim.pre.reserve.len() { Visibility::Visible } else { Visibility::Hidden };
    }
}

fn sync_channels(states: Query<&SimState>, palette: Res<Palette>, mut q: Query<(&ChannelVisual, &InInstance, &mut MeshMaterial3d<StandardMaterial>)>) {
    for (c, of, mut mat) in &mut q {
        let Ok(state) = states.get(of.0) else { continue };
        let open = state.sim.pre.ca_channel_open.get(c.0).copied().unwrap_or(false);
        let want = if open { &palette.channel_open } else { &palette.channel_closed };
        if mat.0 != *want {
            mat.0 = want.clone();
        }
    }
}

/// Glutamate dot radius (world units): 5 nm, ~7× a glutamate molecule.
pub const DOT_RADIUS: f32 = 0.05;

/// Fill the batch: glutamate molecules, then one dot per transporter patch
/// (pale green when all carriers are free, yellow as they fill with
/// glutamate, blue while carriers cycle back).
fn sync_instances(states: Query<(&SimState, &super::sim_bridge::Slot)>, mut q: Query<(&mut InstanceBatch, &InInstance), With<SynapseDots>>) {
    for (mut batch, of) in &mut q {
        let Ok((state, slot)) = states.get(of.0) else { continue };
        fill_batch(&mut batch, state, slot.origin());
    }
}

/// One instance's molecules and transporter patches, in world coordinates
/// (the shader takes instance positions as world positions).
fn fill_batch(batch: &mut InstanceBatch, state: &SimState, origin: Vec3) {
    let world = |x: f32, y: f32, z: f32| world(x, y, z) + origin;
    let m = &state.sim.molecules;
    let t = &state.sim.transporters;
    let glu = palette::GLUTAMATE.to_linear().to_f32_array();
    let cell = state.sim.scenario.geometry.eaat_patch_nm as f32 * 1e-3;
    batch.0.clear();
    batch.0.extend((0..m.len()).map(|i| Instance { position: world(m.x[i], m.y[i], m.z[i]), radius: DOT_RADIUS, color: glu }));
    let d = &state.sim.drug_particles;
    let drug_colors = palette::DRUGS.map(|c| c.to_linear().to_f32_array());
    batch.0.extend((0..d.len()).map(|i| Instance { position: world(d.mols.x[i], d.mols.y[i], d.mols.z[i]), radius: DOT_RADIUS * 0.9, color: drug_colors[d.drug[i] as usize % palette::DRUGS.len()] }));
    batch.0.extend((0..t.total.len()).filter(|&p| t.total[p] > 0).map(|p| {
        let n = t.total[p] as f32;
        let bound = t.bound[p] as f32 / n;
        let cyc = t.cycling[p] as f32 / n;
        let color = palette::eaat_patch(bound, cyc);
        Instance { position: world(t.patch_x_um[p] + cell / 2.0, t.patch_y_um[p] + cell / 2.0, 0.0) + Vec3::Y * -0.01, radius: 0.032, color }
    }));
}

fn sync_gaba(states: Query<&SimState>, mut q: Query<(&InInstance, &mut Visibility), With<GabaFlash>>) {
    for (of, mut v) in &mut q {
        let Ok(state) = states.get(of.0) else { continue };
        *v = if state.sim.interneuron.gaba_cleft_mm > 0.0 { Visibility::Visible } else { Visibility::Hidden };
    }
}

/// Where the 100 nm scale bar starts: on the sheet in front of the default
/// camera, in a gap of the astrocyte, clear of the spine.
fn scale_bar_origin(psd_um: f32) -> Vec3 {
    Vec3::new(psd_um * S * 1.3, 0.0, psd_um * S * 2.4)
}

/// A point along the illustrative glutamine route, astrocyte → bouton (u in 0..1).
fn glutamine_path(astro_inner_um: f32, u: f32) -> Vec3 {
    let start = Vec3::new(-(astro_inner_um + 0.25) * S * 0.7, -0.1, -(astro_inner_um + 0.25) * S * 0.7);
    let end = Vec3::new(-0.8, 2.4, -0.8);
    let mid = Vec3::new(start.x * 0.9, 3.0, start.z * 0.9);
    // Quadratic Bézier: leaves the astrocyte, arcs over, enters the bouton.
    start * (1.0 - u) * (1.0 - u) + mid * 2.0 * u * (1.0 - u) + end * u * u
}

/// The scale bar, and glutamine dots drifting from the astrocyte to the
/// bouton at a speed set by the simulated shuttle flux (the path is schematic).
fn draw_glutamine_and_scale_bar(
    states: Query<(Entity, &SimState, &super::sim_bridge::Slot)>,
    mut gizmos: Gizmos,
    bio: Option<Res<Time<super::sim_bridge::Bio>>>,
    mut phases: Local<std::collections::HashMap<Entity, f32>>,
) {
    // The dots move with biological time (they stop when the clock does);
    // at 1 ms of biology a second they cross in ~12 s at the resting flux.
    // Path and absolute speed are schematic; the speed scales with the flux.
    let bio_ms = bio.map(|b| b.delta_secs() * 1e3).unwrap_or(0.0);
    for (e, state, slot) in &states {
        draw_instance_gizmos(&mut gizmos, state, slot.origin(), phases.entry(e).or_default(), bio_ms.min(0.5));
    }
}

fn draw_instance_gizmos(gizmos: &mut Gizmos, state: &SimState, origin: Vec3, phase: &mut f32, bio_ms: f32) {
    let g = &state.sim.scenario.geometry;
    let glutamine_path = |a: f32, u: f32| glutamine_path(a, u) + origin;
    let o = scale_bar_origin(g.psd_radius_um as f32) + origin;
    gizmos.line(o, o + Vec3::X * (0.1 * S), Color::WHITE);
    gizmos.line(o - Vec3::Z * 0.08, o + Vec3::Z * 0.08, Color::WHITE);
    gizmos.line(o + Vec3::X * S * 0.1 - Vec3::Z * 0.08, o + Vec3::X * S * 0.1 + Vec3::Z * 0.08, Color::WHITE);
    let m = &state.sim.metabolism;
    let rest = state.sim.scenario.metabolism.cycle_flux_per_ms.max(1e-9);
    *phase = (*phase + bio_ms * 0.08 * (m.flux_shuttle / rest) as f32).fract();
    let astro_in = g.astro_inner_radius_um as f32;
    let mut prev = glutamine_path(astro_in, 0.0);
    for k in 1..=24 {
        let p = glutamine_path(astro_in, k as f32 / 24.0);
        gizmos.line(prev, p, Color::srgba(0.5, 0.9, 1.0, 0.35));
        prev = p;
    }
    for k in 0..6 {
        let u = (*phase + k as f32 / 6.0).fract();
        gizmos.sphere(Isometry3d::from_translation(glutamine_path(astro_in, u)), 0.09, Color::srgb(0.5, 0.9, 1.0));
    }
}
