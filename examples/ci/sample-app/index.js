// The sample repository the demo pipeline builds (examples/ci/pipeline.yaml).
export const greet = (name) => `hello, ${name}`;
