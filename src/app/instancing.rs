//! Drawing thousands of molecules as one instanced batch: a per-instance
//! buffer (position, radius, colour) uploaded once per frame and one draw
//! call, with the WGSL shader in `shaders/molecules.wgsl` (embedded in the
//! binary so the app runs from any directory). Adapted from Bevy 0.19's
//! `shader_advanced/custom_shader_instancing.rs`; molecules are never entities.

use bevy::core_pipeline::core_3d::{Transparent3d, TransparentSortingInfo3d};
use bevy::ecs::{
    query::QueryItem,
    system::{SystemParamItem, lifetimeless::*},
};
use bevy::mesh::{MeshVertexBufferLayoutRef, VertexBufferLayout};
use bevy::pbr::{
    self, MeshInputUniform, MeshPipeline, MeshPipelineKey, MeshPipelineSystems, MeshUniform, RenderMeshInstances, SetMeshBindGroup, SetMeshViewBindGroup, SetMeshViewBindingArrayBindGroup,
    ViewKeyCache,
};
use bevy::prelude::*;
use bevy::render::{
    Render, RenderApp, RenderStartup, RenderSystems,
    batching::gpu_preprocessing::BatchedInstanceBuffers,
    extract_component::{ExtractComponent, ExtractComponentPlugin},
    mesh::{RenderMesh, RenderMeshBufferInfo, allocator::MeshAllocator},
    render_asset::RenderAssets,
    render_phase::{AddRenderCommand, DrawFunctions, PhaseItem, PhaseItemExtraIndex, RenderCommand, RenderCommandResult, SetItemPipeline, TrackedRenderPass, ViewSortedRenderPhases},
    render_resource::*,
    renderer::RenderDevice,
    sync_component::SyncComponent,
    sync_world::MainEntity,
    view::ExtractedView,
};
use bytemuck::{Pod, Zeroable};

/// One drawn molecule: world position, radius, linear RGBA colour.
#[derive(Clone, Copy, Pod, Zeroable, Debug, PartialEq)]
#[repr(C)]
pub struct Instance {
    pub position: Vec3,
    pub radius: f32,
    pub color: [f32; 4],
}

/// The instances of one batch, rewritten by the scene each frame.
#[derive(Component, Default, Clone)]
pub struct InstanceBatch(pub Vec<Instance>);

impl SyncComponent for InstanceBatch {
    type Target = Self;
}

impl ExtractComponent for InstanceBatch {
    type QueryData = &'static InstanceBatch;
    type QueryFilter = ();
    type Out = Self;

    fn extract_component(item: QueryItem<'_, '_, Self::QueryData>) -> Option<Self> {
        Some(item.clone())
    }
}

#[derive(Resource, Clone)]
struct MoleculeShader(Handle<Shader>);

pub struct InstancingPlugin;

impl Plugin for InstancingPlugin {
    fn build(&self, app: &mut App) {
        let shader = app.world_mut().resource_mut::<Assets<Shader>>().add(Shader::from_wgsl(include_str!("../../shaders/molecules.wgsl"), "shaders/molecules.wgsl"));
        app.add_plugins(ExtractComponentPlugin::<InstanceBatch>::default());
        app.sub_app_mut(RenderApp)
            .insert_resource(MoleculeShader(shader))
            .add_render_command::<Transparent3d, DrawInstanced>()
            .init_resource::<SpecializedMeshPipelines<InstancePipeline>>()
            .add_systems(RenderStartup, init_pipeline.after(MeshPipelineSystems))
            .add_systems(Render, (queue_batches.in_set(RenderSystems::QueueMeshes), prepare_buffers.in_set(RenderSystems::PrepareResources)));
    }
}

fn queue_batches(
    draw_functions: Res<DrawFunctions<Transparent3d>>,
    pipeline: Res<InstancePipeline>,
    mut pipelines: ResMut<SpecializedMeshPipelines<InstancePipeline>>,
    pipeline_cache: Res<PipelineCache>,
    meshes: Res<RenderAssets<RenderMesh>>,
    render_mesh_instances: Res<RenderMeshInstances>,
    batched: Option<Res<BatchedInstanceBuffers<MeshUniform, MeshInputUniform>>>,
    batches: Query<(Entity, &MainEntity), With<InstanceBatch>>,
    mut phases: ResMut<ViewSortedRenderPhases<Transparent3d>>,
    views: Query<&ExtractedView>,
    view_key_cache: Res<ViewKeyCache>,
) {
    let draw = draw_functions.read().id::<DrawInstanced>();
    for view in &views {
        let Some(phase) = phases.get_mut(&view.retained_view_entity) else { continue };
        let Some(&view_key) = view_key_cache.get(&view.retained_view_entity) else { continue };
        for (entity, main_entity) in &batches {
            let Some(mesh_instance) = render_mesh_instances.render_mesh_queue_data(*main_entity) else { continue };
            let Some(mesh) = meshes.get(mesh_instance.mesh_asset_id()) else { continue };
            let key = view_key | MeshPipelineKey::from_primitive_topology_and_strip_index(mesh.primitive_topology(), mesh.index_format());
            let Ok(pipeline) = pipelines.specialize(&pipeline_cache, &pipeline, key, &mesh.layout) else { continue };
            let center = pbr::get_mesh_instance_world_from_local(*main_entity, mesh_instance.current_uniform_index, &render_mesh_instances, batched.as_deref()).transform_point3(mesh.aabb_center);
            phase.add_retained(Transparent3d {
                sorting_info: TransparentSortingInfo3d::Sorted { mesh_center: center, depth_bias: 0.0 },
                entity: (entity, *main_entity),
                pipeline,
                draw_function: draw,
                distance: 0.0,
                batch_range: 0..1,
                extra_index: PhaseItemExtraIndex::None,
                indexed: true,
            });
        }
    }
}

#[derive(Component)]
struct InstanceBuffer {
    buffer: Buffer,
    length: usize,
}

fn prepare_buffers(mut commands: Commands, query: Query<(Entity, &InstanceBatch)>, render_device: Res<RenderDevice>) {
    for (entity, batch) in &query {
        if batch.0.is_empty() {
            commands.entity(entity).remove::<InstanceBuffer>();
            continue;
        }
        let buffer = render_device.create_buffer_with_data(&BufferInitDescriptor {
            label: Some("molecule instances"),
            contents: bytemuck::cast_slice(batch.0.as_slice()),
            usage: BufferUsages::VERTEX | BufferUsages::COPY_DST,
        });
        commands.entity(entity).insert(InstanceBuffer { buffer, length: batch.0.len() });
    }
}

#[derive(Resource)]
struct InstancePipeline {
    shader: Handle<Shader>,
    mesh_pipeline: MeshPipeline,
}

fn init_pipeline(mut commands: Commands, shader: Res<MoleculeShader>, mesh_pipeline: Res<MeshPipeline>) {
    commands.insert_resource(InstancePipeline { shader: shader.0.clone(), mesh_pipeline: mesh_pipeline.clone() });
}

impl SpecializedMeshPipeline for InstancePipeline {
    type Key = MeshPipelineKey;

    fn specialize(&self, key: Self::Key, layout: &MeshVertexBufferLayoutRef) -> Result<RenderPipelineDescriptor, SpecializedMeshPipelineError> {
        let mut descriptor = self.mesh_pipeline.specialize(key, layout)?;
        descriptor.vertex.shader = self.shader.clone();
        descriptor.vertex.buffers.push(VertexBufferLayout {
            array_stride: size_of::<Instance>() as u64,
            step_mode: VertexStepMode::Instance,
            attributes: vec![
                VertexAttribute { format: VertexFormat::Float32x4, offset: 0, shader_location: 3 },
                VertexAttribute { format: VertexFormat::Float32x4, offset: VertexFormat::Float32x4.size(), shader_location: 4 },
            ],
        });
        descriptor.fragment.as_mut().expect("mesh pipeline has a fragment stage").shader = self.shader.clone();
        Ok(descriptor)
    }
}

type DrawInstanced = (SetItemPipeline, SetMeshViewBindGroup<0>, SetMeshViewBindingArrayBindGroup<1>, SetMeshBindGroup<2>, DrawMeshInstanced);

struct DrawMeshInstanced;

impl<P: PhaseItem> RenderCommand<P> for DrawMeshInstanced {
    type Param = (SRes<RenderAssets<RenderMesh>>, SRes<RenderMeshInstances>, SRes<MeshAllocator>);
    type ViewQuery = ();
    type ItemQuery = Read<InstanceBuffer>;

    #[inline]
    fn render<'w>(
        item: &P,
        _view: (),
        instance_buffer: Option<&'w InstanceBuffer>,
        (meshes, render_mesh_instances, mesh_allocator): SystemParamItem<'w, '_, Self::Param>,
        pass: &mut TrackedRenderPass<'w>,
    ) -> RenderCommandResult {
        let mesh_allocator = mesh_allocator.into_inner();
        let Some(mesh_instance) = render_mesh_instances.render_mesh_queue_data(item.main_entity()) else { return RenderCommandResult::Skip };
        let Some(gpu_mesh) = meshes.into_inner().get(mesh_instance.mesh_asset_id()) else { return RenderCommandResult::Skip };
        let Some(instance_buffer) = instance_buffer else { return RenderCommandResult::Skip };
        let Some(vertex_slice) = mesh_allocator.mesh_vertex_slice(&mesh_instance.mesh_asset_id()) else { return RenderCommandResult::Skip };
        pass.set_vertex_buffer(0, vertex_slice.buffer.slice(..));
        pass.set_vertex_buffer(1, instance_buffer.buffer.slice(..));
        match &gpu_mesh.buffer_info {
            RenderMeshBufferInfo::Indexed { index_format, count } => {
                let Some(index_slice) = mesh_allocator.mesh_index_slice(&mesh_instance.mesh_asset_id()) else { return RenderCommandResult::Skip };
                pass.set_index_buffer(index_slice.buffer.slice(..), *index_format);
                pass.draw_indexed(index_slice.range.start..(index_slice.range.start + count), vertex_slice.range.start as i32, 0..instance_buffer.length as u32);
            }
            RenderMeshBufferInfo::NonIndexed => pass.draw(vertex_slice.range, 0..instance_buffer.length as u32),
        }
        RenderCommandResult::Success
    }
}
