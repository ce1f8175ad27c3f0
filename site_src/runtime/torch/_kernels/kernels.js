// The hot kernels in JavaScript, for the in-browser torch inside Pyodide (loaded by torch/_kernels/__init__.py
// with pyodide.code.run_js: this file is one expression, the object of kernels).
//
// Each kernel mirrors its twin in reference.py loop for loop: every output element is accumulated in a double
// (a JS number) in the same order and rounded to float32 once, when stored, so both give bit-identical results.
// Arrays are passed as the addresses of Python array.array buffers in Pyodide's own WebAssembly memory (its
// buffer_info()), read and written in place through typed-array views made here: a call costs about 2 us, where
// passing the arrays themselves as PyProxies cost 10 us each. Outputs are allocated by the Python side,
// zero-filled; address 0 means "none".
(() => {
  let heap = null; // Pyodide's WebAssembly.Memory, whose buffer holds every Python array

  // A typed-array view of `length` items at byte address `at` of Pyodide's memory (undefined for address 0).
  // Made per call: memory.buffer is replaced whenever Python's heap grows.
  const view = (Type, at, length) => (at ? new Type(heap.buffer, at, length) : undefined);
  const f32 = (at, length) => view(Float32Array, at, length);
  const f64 = (at, length) => view(Float64Array, at, length);
  // int64 indices (array('q')) as pairs of int32 words, little-endian: the low word at 2 * i holds the index (they
  // are below 2^31), the high word 0. Words avoid a BigInt per element.
  const i64Words = (at, length) => view(Int32Array, at, 2 * length);

  const outSize = (size, kernel, stride, pad) => Math.floor((size + 2 * pad - kernel) / stride) + 1;

  // Where each output position's window starts in the input (start), and the kernel offsets [lo, hi) that land
  // inside the image (reference.py's _window: input index = start + offset), for all positions along one axis.
  function windows(outCount, stride, pad, kernel, size) {
    const start = new Int32Array(outCount),
      lo = new Int32Array(outCount),
      hi = new Int32Array(outCount);
    for (let pos = 0; pos < outCount; pos++) {
      start[pos] = pos * stride - pad;
      lo[pos] = Math.max(0, -start[pos]);
      hi[pos] = Math.min(kernel, size - start[pos]);
    }
    return { start, lo, hi };
  }

  // The WebAssembly SIMD kernels (kernels.wat, assembled by the wheel build), instantiated by init. They work
  // in their own memory: inputs are copied in and results out, a cost linear in the sizes.
  let wasm = null;

  // elementwise.wat's kernels, which work in place in Pyodide's memory: ELEMENTWISE's entries of the same names
  // (n, outPtr, xPtr, yPtr).
  let simd = null;

  // Called once by javascript.py: Pyodide's memory, kernels.wasm's and elementwise.wasm's bytes (address, length).
  function init(memory, wasmAt, wasmLength, simdAt, simdLength) {
    heap = memory;
    const compile = (at, length) => new WebAssembly.Module(new Uint8Array(heap.buffer, at, length));
    wasm = new WebAssembly.Instance(compile(wasmAt, wasmLength)).exports;
    simd = new WebAssembly.Instance(compile(simdAt, simdLength), { env: { memory: heap } }).exports;
  }

  // Byte offsets of consecutive 16-aligned blocks of the given byte sizes in wasm memory, grown to hold them.
  // They start at 16: offset 0 means "none" to the kernels.
  function layout(...sizes) {
    let end = 16;
    const offsets = sizes.map((size) => {
      const at = end;
      end = (end + size + 15) & ~15;
      return at;
    });
    const missing = end - wasm.memory.buffer.byteLength;
    if (missing > 0) wasm.memory.grow(Math.ceil(missing / 65536));
    return offsets;
  }

  const wasmF32 = (offset, length) => new Float32Array(wasm.memory.buffer, offset, length);

  // (m, k) @ (k, n); transA: a is stored as (k, m); transB: b is stored as (n, k).
  // out[i, j] adds a[i, p] * b[p, j] for p ascending, from 0, in a double (kernels.wat's matmul; b is given to
  // it row-major, transposed here when stored the other way).
  function matmul(outPtr, aPtr, bPtr, m, k, n, transA, transB) {
    const [aI, aP] = transA ? [1, m] : [k, 1];
    const out = f32(outPtr, m * n),
      a = f32(aPtr, m * k),
      b = f32(bPtr, k * n);
    const [outAt, aAt, bAt, storedAt] = layout(4 * out.length, 4 * a.length, 4 * b.length, transB ? 4 * b.length : 0);
    wasmF32(aAt, a.length).set(a);
    if (transB) {
      wasmF32(storedAt, b.length).set(b);
      wasm.transpose(bAt, storedAt, n, k);
    } else {
      wasmF32(bAt, b.length).set(b);
    }
    wasm.matmul(outAt, aAt, bAt, 0, m, k, n, aI, aP);
    out.set(wasmF32(outAt, out.length));
  }

  // reference.py's fma32: a * b + c of float32 values rounded once to float32 (a * b is exact in a double; only
  // a double sum halfway between two float32 values needs TwoSum's error to say which way the exact sum lies).
  function fma32(a, b, c) {
    const p = a * b,
      s = p + c;
    const rounded = Math.fround(s),
      halfStep = s - rounded; // NaN for an infinite or NaN s: no tie
    if (!halfStep) return rounded;
    const other = rounded + 2 * halfStep;
    if (Math.fround(other) !== other) return rounded;
    const back = s - p,
      error = p - (s - back) + (c - back);
    return error && error > 0 === halfStep > 0 ? other : rounded;
  }

  // reference.py's ELEMENTWISE, step for step as reference.py writes each (Math.fround where it rounds with f32):
  // out[i] from x[i] (and y[i], z[i]) with the params p, q. Each kernel writes out its own loop, so that V8
  // compiles it with its arithmetic inlined: one shared loop calling a function per kernel ran 10x slower.
  // relu and relu_backward are elementwise.wat's (simd above).
  const ELEMENTWISE = {
    add: (n, out, x, y) => {
      for (let i = 0; i < n; i++) out[i] = x[i] + y[i];
    },
    sub: (n, out, x, y) => {
      for (let i = 0; i < n; i++) out[i] = x[i] - y[i];
    },
    mul: (n, out, x, y) => {
      for (let i = 0; i < n; i++) out[i] = x[i] * y[i];
    },
    div: (n, out, x, y) => {
      for (let i = 0; i < n; i++) out[i] = x[i] / y[i];
    },
    neg: (n, out, x) => {
      for (let i = 0; i < n; i++) out[i] = -x[i];
    },
    abs: (n, out, x) => {
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]);
    },
    sqrt: (n, out, x) => {
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]);
    },
    clamp: (n, out, x, _y, _z, low, high) => {
      for (let i = 0; i < n; i++) {
        let v = x[i];
        if (!Number.isNaN(v)) {
          if (v < low) v = low;
          if (v > high) v = high;
        }
        out[i] = v;
      }
    },
    clamp_backward: (n, out, grad, x, _z, low, high) => {
      for (let i = 0; i < n; i++) out[i] = low <= x[i] && x[i] <= high ? grad[i] : 0;
    },
    add_scaled: (n, out, x, y, _z, alpha) => {
      for (let i = 0; i < n; i++) out[i] = fma32(alpha, y[i], x[i]);
    },
    lerp: (n, out, x, y, w) => {
      for (let i = 0; i < n; i++) {
        const d = Math.fround(y[i] - x[i]);
        out[i] = Math.abs(w[i]) < 0.5 ? fma32(w[i], d, x[i]) : fma32(-d, Math.fround(1 - w[i]), y[i]);
      }
    },
    addcmul: (n, out, s, x, y, value) => {
      for (let i = 0; i < n; i++) out[i] = fma32(Math.fround(value * x[i]), y[i], s[i]);
    },
    addcdiv: (n, out, s, x, y, value) => {
      for (let i = 0; i < n; i++) out[i] = s[i] + Math.fround(Math.fround(x[i] * value) / y[i]);
    },
  };

  // out = ELEMENTWISE[name] over the n elements of x (and y, z where given: address 0 for none), params p, q.
  function elementwise(name, n, outPtr, xPtr, yPtr, zPtr, p, q) {
    if (name in simd) {
      simd[name](n, outPtr, xPtr, yPtr);
      return;
    }
    ELEMENTWISE[name](n, f32(outPtr, n), f32(xPtr, n), f32(yPtr, n), f32(zPtr, n), p, q);
  }

  function allFinite(values) {
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
    return true;
  }

  // Writes image n's patches of x into wasm memory at `at` as the matrix (C * KH * KW, OH * OW): row (c, kh, kw),
  // column (oh, ow) holds x[n, c, oh * sh - ph + kh, ow * sw - pw + kw], or 0 where that lies in the padding.
  // (With transposed, the matrix (OH * OW, C * KH * KW) instead.)
  function im2col(at, x, n, C, H, W, KH, KW, OH, OW, sh, sw, ph, pw, transposed) {
    const col = wasmF32(at, C * KH * KW * OH * OW);
    const P = OH * OW,
      R = C * KH * KW;
    let r = 0;
    for (let c = 0; c < C; c++) {
      const plane = (n * C + c) * H * W;
      for (let kh = 0; kh < KH; kh++) {
        for (let kw = 0; kw < KW; kw++, r++) {
          for (let oh = 0, pos = 0; oh < OH; oh++) {
            const ih = oh * sh - ph + kh;
            const inRows = ih >= 0 && ih < H;
            for (let ow = 0; ow < OW; ow++, pos++) {
              const iw = ow * sw - pw + kw;
              const value = inRows && iw >= 0 && iw < W ? x[plane + ih * W + iw] : 0;
              col[transposed ? pos * R + r : r * P + pos] = value;
            }
          }
        }
      }
    }
  }

  // x (N, C, H, W) cross-correlated with w (O, C, KH, KW); out (N, O, OH, OW).
  // Each output adds x * w over c, kh, kw ascending from 0, then adds bias[o]: per image, the matrix product of w
  // (O, C * KH * KW) and x's patches (im2col), whose row order is that (c, kh, kw) order. Where the window covers
  // padding the patch holds 0, and w * 0 adds +-0, which changes no sum, unless w holds an inf or NaN: then the
  // loops below, which leave padding out as reference.py does.
  function conv2d(outPtr, xPtr, wPtr, biasPtr, N, C, H, W, O, KH, KW, sh, sw, ph, pw) {
    const OH = outSize(H, KH, sh, ph),
      OW = outSize(W, KW, sw, pw);
    const out = f32(outPtr, N * O * OH * OW),
      x = f32(xPtr, N * C * H * W),
      w = f32(wPtr, O * C * KH * KW);
    const bias = f32(biasPtr, O);
    if ((ph || pw) && !allFinite(w)) {
      conv2dLoops(out, x, w, bias, N, C, H, W, O, KH, KW, sh, sw, ph, pw);
      return;
    }
    const P = OH * OW,
      R = C * KH * KW;
    const [outAt, wAt, colAt, biasAt] = layout(4 * O * P, 4 * O * R, 4 * R * P, bias ? 4 * O : 0);
    wasmF32(wAt, O * R).set(w);
    if (bias) wasmF32(biasAt, O).set(bias);
    for (let n = 0; n < N; n++) {
      im2col(colAt, x, n, C, H, W, KH, KW, OH, OW, sh, sw, ph, pw, false);
      wasm.matmul(outAt, wAt, colAt, bias ? biasAt : 0, O, R, P, R, 1);
      out.set(wasmF32(outAt, O * P), n * O * P);
    }
  }

  function conv2dLoops(out, x, w, bias, N, C, H, W, O, KH, KW, sh, sw, ph, pw) {
    const OH = outSize(H, KH, sh, ph),
      OW = outSize(W, KW, sw, pw);
    const rows = windows(OH, sh, ph, KH, H),
      cols = windows(OW, sw, pw, KW, W);
    let pos = 0;
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < O; o++) {
        const b = bias !== undefined ? bias[o] : 0.0;
        for (let oh = 0; oh < OH; oh++) {
          const ih0 = rows.start[oh],
            khLo = rows.lo[oh],
            khHi = rows.hi[oh];
          for (let ow = 0; ow < OW; ow++) {
            const iw0 = cols.start[ow],
              kwLo = cols.lo[ow],
              kwHi = cols.hi[ow];
            let acc = 0.0;
            for (let c = 0; c < C; c++) {
              const xPlane = (n * C + c) * H,
                wPlane = (o * C + c) * KH;
              for (let kh = khLo; kh < khHi; kh++) {
                const xRow = (xPlane + ih0 + kh) * W + iw0,
                  wRow = (wPlane + kh) * KW;
                for (let kw = kwLo; kw < kwHi; kw++) acc += x[xRow + kw] * w[wRow + kw];
              }
            }
            out[pos++] = acc + b;
          }
        }
      }
    }
  }

  // Gradients of conv2d into gx (like x), gw (like w), gb (O); each may be undefined (not wanted).
  // reference.py's order: output positions visited n, o, oh, ow ascending, each scattering its contributions over
  // c, kh, kw; zero gradients skipped; sums in doubles rounded once. So gw[o, c, kh, kw] adds its terms in
  // position order (n, oh, ow): the product of the gradient as (O, N * OH * OW) and x's patches as
  // (N * OH * OW, C * KH * KW). With stride 1, gx[n, c, ih, iw] adds its terms in the order (o, oh, ow), that is
  // (o, KH-1-kh, KW-1-kw): the product of w flipped, as (C, O * KH * KW), and the gradient's patches. The terms the
  // loops leave out (zero gradients, padding) add +-0 there, which changes no sum as long as the other factor is
  // finite; otherwise, and for other strides, the loops below compute them.
  function conv2dBackward(gxPtr, gwPtr, gbPtr, gradOutPtr, xPtr, wPtr, N, C, H, W, O, KH, KW, sh, sw, ph, pw) {
    const OH = outSize(H, KH, sh, ph),
      OW = outSize(W, KW, sw, pw);
    const gx = f32(gxPtr, N * C * H * W),
      gw = f32(gwPtr, O * C * KH * KW),
      gb = f32(gbPtr, O);
    const gradOut = f32(gradOutPtr, N * O * OH * OW),
      x = f32(xPtr, N * C * H * W),
      w = f32(wPtr, O * C * KH * KW);
    const gradFinite = allFinite(gradOut);
    const viaMatmul = {
      gx: gx && sh === 1 && sw === 1 && allFinite(w),
      gw: gw && gradFinite && allFinite(x),
    };
    if (viaMatmul.gx) inputGradient(gx, gradOut, w, N, C, H, W, O, KH, KW, ph, pw);
    if (viaMatmul.gw) weightGradient(gw, gradOut, x, N, C, H, W, O, KH, KW, sh, sw, ph, pw);
    if (gb) {
      const P = OH * OW,
        sums = new Float64Array(O);
      for (let n = 0; n < N; n++) {
        for (let o = 0; o < O; o++) for (let pos = 0, g = (n * O + o) * P; pos < P; pos++) sums[o] += gradOut[g + pos];
      }
      gb.set(sums);
    }
    const rest = [viaMatmul.gx ? undefined : gx, viaMatmul.gw ? undefined : gw];
    if (rest[0] || rest[1]) conv2dBackwardLoops(rest[0], rest[1], gradOut, x, w, N, C, H, W, O, KH, KW, sh, sw, ph, pw);
  }

  function weightGradient(gw, gradOut, x, N, C, H, W, O, KH, KW, sh, sw, ph, pw) {
    const OH = outSize(H, KH, sh, ph),
      OW = outSize(W, KW, sw, pw);
    const P = OH * OW,
      R = C * KH * KW;
    const [gwAt, gAt, colAt] = layout(4 * O * R, 4 * O * N * P, 4 * N * P * R);
    const g = wasmF32(gAt, O * N * P);
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < O; o++) g.set(gradOut.subarray((n * O + o) * P, (n * O + o + 1) * P), (o * N + n) * P);
      im2col(colAt + 4 * n * P * R, x, n, C, H, W, KH, KW, OH, OW, sh, sw, ph, pw, true);
    }
    wasm.matmul(gwAt, gAt, colAt, 0, O, N * P, R, N * P, 1);
    gw.set(wasmF32(gwAt, O * R));
  }

  function inputGradient(gx, gradOut, w, N, C, H, W, O, KH, KW, ph, pw) {
    const OH = outSize(H, KH, 1, ph),
      OW = outSize(W, KW, 1, pw);
    const R = O * KH * KW;
    const [gxAt, wAt, colAt] = layout(4 * C * H * W, 4 * C * R, 4 * R * H * W);
    const flipped = wasmF32(wAt, C * R);
    for (let c = 0; c < C; c++) {
      for (let o = 0, r = c * R; o < O; o++) {
        for (let kh = KH - 1; kh >= 0; kh--) {
          for (let kw = KW - 1; kw >= 0; kw--, r++) flipped[r] = w[((o * C + c) * KH + kh) * KW + kw];
        }
      }
    }
    for (let n = 0; n < N; n++) {
      // The gradient's patches: row (o, kh', kw'), column (ih, iw) holds gradOut[n, o, oh, ow] for
      // oh = ih + ph - (KH - 1 - kh'), ow likewise, or 0 outside the output.
      const col = wasmF32(colAt, R * H * W);
      for (let o = 0, r = 0; o < O; o++) {
        const plane = (n * O + o) * OH * OW;
        for (let kh = KH - 1; kh >= 0; kh--) {
          for (let kw = KW - 1; kw >= 0; kw--, r++) {
            for (let ih = 0, pos = r * H * W; ih < H; ih++) {
              const oh = ih + ph - kh;
              const inRows = oh >= 0 && oh < OH;
              for (let iw = 0; iw < W; iw++, pos++) {
                const ow = iw + pw - kw;
                col[pos] = inRows && ow >= 0 && ow < OW ? gradOut[plane + oh * OW + ow] : 0;
              }
            }
          }
        }
      }
      wasm.matmul(gxAt, wAt, colAt, 0, C, R, H * W, R, 1);
      gx.set(wasmF32(gxAt, C * H * W), n * C * H * W);
    }
  }

  function conv2dBackwardLoops(gx32, gw32, gradOut, x, w, N, C, H, W, O, KH, KW, sh, sw, ph, pw) {
    const OH = outSize(H, KH, sh, ph),
      OW = outSize(W, KW, sw, pw);
    const rows = windows(OH, sh, ph, KH, H),
      cols = windows(OW, sw, pw, KW, W);
    const gx = gx32 && new Float64Array(gx32.length);
    const gw = gw32 && new Float64Array(gw32.length);
    let pos = 0;
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < O; o++) {
        for (let oh = 0; oh < OH; oh++) {
          const ih0 = rows.start[oh],
            khLo = rows.lo[oh],
            khHi = rows.hi[oh];
          for (let ow = 0; ow < OW; ow++) {
            const iw0 = cols.start[ow],
              kwLo = cols.lo[ow],
              kwHi = cols.hi[ow];
            const g = gradOut[pos++];
            if (g === 0) continue;
            for (let c = 0; c < C; c++) {
              const xPlane = (n * C + c) * H,
                wPlane = (o * C + c) * KH;
              for (let kh = khLo; kh < khHi; kh++) {
                const xRow = (xPlane + ih0 + kh) * W + iw0,
                  wRow = (wPlane + kh) * KW;
                for (let kw = kwLo; kw < kwHi; kw++) {
                  if (gx) gx[xRow + kw] += g * w[wRow + kw];
                  if (gw) gw[wRow + kw] += g * x[xRow + kw];
                }
              }
            }
          }
        }
      }
    }
    if (gx) gx32.set(gx);
    if (gw) gw32.set(gw);
  }

  // ATen's cascade_sum order (reference.py's sum_rows / sum_columns, step for step). Lane sums live in typed
  // arrays of the values' own type (Float32Array or Float64Array), whose stores round each addition as ATen's
  // float or double lanes do. load(i, k, acc, at) adds row k's item at step i into acc's lanes from `at`.
  function multiRowSum(Sums, load, nrows, size, width) {
    const levels = 4;
    const ceilLog2 = size > 2 ? 32 - Math.clz32(size - 1) : 1;
    const levelPower = Math.max(4, Math.floor(ceilLog2 / levels));
    const levelStep = 1 << levelPower;
    const acc = Array.from({ length: levels }, () => new Sums(nrows * width));
    const addInto = (target, source) => {
      for (let lane = 0; lane < target.length; lane++) target[lane] += source[lane];
    };
    let i = 0;
    while (i + levelStep <= size) {
      for (let step = 0; step < levelStep; step++, i++) for (let k = 0; k < nrows; k++) load(i, k, acc[0], k * width);
      for (let j = 1; j < levels; j++) {
        addInto(acc[j], acc[j - 1]);
        acc[j - 1].fill(0);
        if (i & ((levelStep - 1) << (j * levelPower))) break;
      }
    }
    for (; i < size; i++) for (let k = 0; k < nrows; k++) load(i, k, acc[0], k * width);
    for (let j = 1; j < levels; j++) addInto(acc[0], acc[j]);
    return acc[0];
  }

  // row_sum over `count` items of `width` lanes, item m at values[start + m * width]: lanes of the total.
  function rowSum(Sums, values, start, count, width) {
    const sizeIlp = Math.floor(count / 4);
    const load = (i, k, acc, at) => {
      const from = start + (i * 4 + k) * width;
      for (let lane = 0; lane < width; lane++) acc[at + lane] += values[from + lane];
    };
    const partial = multiRowSum(Sums, load, 4, sizeIlp, width);
    for (let m = sizeIlp * 4; m < count; m++) addItem(partial, values, start + m * width, width);
    for (let k = 1; k < 4; k++) for (let lane = 0; lane < width; lane++) partial[lane] += partial[k * width + lane];
    return partial.subarray(0, width);
  }

  function addItem(acc, values, from, width) {
    for (let lane = 0; lane < width; lane++) acc[lane] += values[from + lane];
  }

  // Sums of the count / length consecutive rows of `length` values (float32, or float64 where double) into out.
  function sumRows(outPtr, valuesPtr, count, length, double, vectorized) {
    const out = f64(outPtr, count / length),
      values = (double ? f64 : f32)(valuesPtr, count);
    const Sums = double ? Float64Array : Float32Array;
    const width = double ? 4 : 8;
    const total = new Sums(1);
    for (let r = 0, start = 0; r < out.length; r++, start += length) {
      if (!vectorized || length < width) {
        out[r] = rowSum(Sums, values, start, length, 1)[0];
        continue;
      }
      const vectors = Math.floor(length / width);
      const lanes = rowSum(Sums, values, start, vectors, width);
      total[0] = 0;
      for (let m = start + vectors * width; m < start + length; m++) total[0] += values[m];
      for (let lane = 0; lane < width; lane++) total[0] += lanes[lane];
      out[r] = total[0];
    }
  }

  function sumColumns(outPtr, valuesPtr, rows, columns, double, vectorized) {
    const out = f64(outPtr, columns),
      values = (double ? f64 : f32)(valuesPtr, rows * columns);
    const Sums = double ? Float64Array : Float32Array;
    const width = double ? 4 : 8;
    const block = vectorized && columns >= width ? 4 * width : 4;
    const cascaded = Math.floor(columns / block) * block;
    const column = new Sums(rows);
    for (let j = 0; j < columns; j++) {
      for (let i = 0; i < rows; i++) column[i] = values[i * columns + j];
      if (j < cascaded) {
        out[j] = multiRowSum(
          Sums,
          (i, _k, acc, at) => {
            acc[at] += column[i];
          },
          1,
          rows,
          1,
        )[0];
      } else {
        out[j] = rowSum(Sums, column, 0, rows, 1)[0];
      }
    }
  }

  // Max over each (KH, KW) window of x (N, C, H, W); padding counts as -inf. A value replaces the max when
  // greater or NaN (PyTorch's test), so the first of equal maxima wins and the last NaN wins over everything;
  // indices hold ih * W + iw within the plane.
  function maxPool2d(outPtr, indicesPtr, xPtr, N, C, H, W, KH, KW, sh, sw, ph, pw) {
    const OH = outSize(H, KH, sh, ph),
      OW = outSize(W, KW, sw, pw);
    const rows = windows(OH, sh, ph, KH, H),
      cols = windows(OW, sw, pw, KW, W);
    const out = f32(outPtr, N * C * OH * OW),
      indices = i64Words(indicesPtr, N * C * OH * OW);
    const x = f32(xPtr, N * C * H * W);
    let pos = 0;
    for (let plane = 0; plane < N * C; plane++) {
      const base = plane * H * W;
      for (let oh = 0; oh < OH; oh++) {
        const ih0 = rows.start[oh],
          khLo = rows.lo[oh],
          khHi = rows.hi[oh];
        for (let ow = 0; ow < OW; ow++) {
          const iw0 = cols.start[ow],
            kwLo = cols.lo[ow],
            kwHi = cols.hi[ow];
          let best = -Infinity,
            bestAt = -1;
          for (let ih = ih0 + khLo; ih < ih0 + khHi; ih++) {
            for (let iw = iw0 + kwLo; iw < iw0 + kwHi; iw++) {
              const v = x[base + ih * W + iw];
              if (v > best || Number.isNaN(v)) {
                best = v;
                bestAt = ih * W + iw;
              }
            }
          }
          out[pos] = best;
          indices[2 * pos] = bestAt;
          pos++;
        }
      }
    }
  }

  // Each output gradient added to the input position its max came from, in output order.
  // gx holds planes of planeIn values, gradOut and indices planes of planeOut. Where windows overlap an input
  // may get several gradients, added in a double; where they do not, each gets at most one, 0 + g (+0 for -0),
  // stored straight into gx, which Python zero-filled.
  function maxPool2dBackward(gxPtr, gradOutPtr, indicesPtr, planes, planeIn, planeOut, overlapping) {
    const gx32 = f32(gxPtr, planes * planeIn),
      gradOut = f32(gradOutPtr, planes * planeOut);
    const indices = i64Words(indicesPtr, planes * planeOut);
    if (!overlapping) {
      for (let plane = 0, pos = 0; plane < planes; plane++) {
        const base = plane * planeIn;
        for (let end = pos + planeOut; pos < end; pos++) gx32[base + indices[2 * pos]] = 0 + gradOut[pos];
      }
      return;
    }
    const gx = new Float64Array(gx32.length);
    for (let plane = 0, pos = 0; plane < planes; plane++) {
      const base = plane * planeIn;
      for (let end = pos + planeOut; pos < end; pos++) gx[base + indices[2 * pos]] += gradOut[pos];
    }
    gx32.set(gx);
  }

  return { init, matmul, sumRows, sumColumns, elementwise, conv2d, conv2dBackward, maxPool2d, maxPool2dBackward };
})();
