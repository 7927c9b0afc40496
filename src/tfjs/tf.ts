/**
 * TensorFlow.js as qle uses it: tfjs-core, tfjs-layers and the cpu backend. The @tensorflow/tfjs
 * umbrella adds browser bundles, the converter, tfjs-data and WebGL (190 MB of node_modules that
 * Node never runs). tfjs-layers' Node build registers every gradient, as the umbrella does.
 * @tensorflow/tfjs-node, when installed, registers its native backend with the same tfjs-core.
 */
export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
