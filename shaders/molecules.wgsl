// Instanced molecules: one draw call for every glutamate molecule (and every
// transporter patch). Each instance carries a position + radius and a colour;
// the vertex stage offsets a small sphere mesh, the fragment stage applies a
// simple head-light shading so dots read as spheres on a projector.
#import bevy_pbr::view_transformations::position_world_to_clip

struct Vertex {
    @location(0) position: vec3<f32>,
    @location(1) normal: vec3<f32>,
    @location(3) i_pos_scale: vec4<f32>,
    @location(4) i_color: vec4<f32>,
};

struct VertexOutput {
    @builtin(position) clip_position: vec4<f32>,
    @location(0) color: vec4<f32>,
    @location(1) normal: vec3<f32>,
};

@vertex
fn vertex(vertex: Vertex) -> VertexOutput {
    let position = vertex.position * vertex.i_pos_scale.w + vertex.i_pos_scale.xyz;
    var out: VertexOutput;
    // Instance positions are world coordinates already: no mesh transform.
    out.clip_position = position_world_to_clip(position);
    out.color = vertex.i_color;
    out.normal = vertex.normal;
    return out;
}

@fragment
fn fragment(in: VertexOutput) -> @location(0) vec4<f32> {
    // Light from the camera side and from above: enough to see roundness.
    let light = normalize(vec3<f32>(0.3, 0.8, 0.5));
    let shade = 0.55 + 0.45 * max(dot(normalize(in.normal), light), 0.0);
    return vec4<f32>(in.color.rgb * shade, in.color.a);
}
