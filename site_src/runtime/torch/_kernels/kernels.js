// The hot kernels in JavaScript, for the in-browser torch inside Pyodide (loaded by torch/_kernels/__init__.py
// with pyodide.code.run_js: this file is one expression, the object of kernels).
//
// Each kernel mirrors its twin in reference.py loop for loop: every output element is accumulated in a double
// (a JS number) in the same order and rounded to float32 once, when stored, so both give bit-identical results.
// Arguments are Python array.array objects (PyProxy; read and written in place through zero-copy typed-array
// views from getBuffer) and plain numbers; outputs are allocated by the Python side, zero-filled.
(() => {
  // Runs body over the typed-array views of the given arrays (undefined stays undefined), then releases them.
  function withViews(arrays, body) {
    const buffers = arrays.map(([array, type]) => array?.getBuffer(type));
    try {
      return body(...buffers.map((buffer) => buffer?.data));
    } finally {
      for (const buffer of buffers) buffer?.release();
    }
  }

  const outSize = (size, kernel, stride, pad) => Math.floor((size + 2 * pad - kernel) / stride) + 1;

  // Where each output position's window starts in the input (start), and the kernel offsets [lo, hi) that land
  // inside the image (reference.py's _window: input index = start + offset), for all positions along one axis.
  function windows(outCount, stride, pad, kernel, size) {
    const start = new Int32Array(outCount), lo = new Int32Array(outCount), hi = new Int32Array(outCount);
    for (let pos = 0; pos < outCount; pos++) {
      start[pos] = pos * stride - pad;
      lo[pos] = Math.max(0, -start[pos]);
      hi[pos] = Math.min(kernel, size - start[pos]);
    }
    return { start, lo, hi };
  }

  // The WebAssembly SIMD kernels (kernels.wat, assembled by the wheel build), instantiated by useWasm. They work
  // in their own memory: inputs are copied in and results out, a cost linear in the sizes.
  let wasm = null;

  function useWasm(bytes) {
    const buffer = bytes.getBuffer("u8");
    try {
      wasm = new WebAssembly.Instance(new WebAssembly.Module(buffer.data)).exports;
    } finally {
      buffer.release();
    }
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
  function matmul(out, a, b, m, k, n, transA, transB) {
    const [aI, aP] = transA ? [1, m] : [k, 1];
    withViews([[out, "f32"], [a, "f32"], [b, "f32"]], (out, a, b) => {
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
    });
  }

  // reference.py's ELEMENTWISE ops over float32 arrays: one IEEE operation in a double, rounded when stored.
  const ELEMENTWISE = {
    add: (x, y) => x + y,
    sub: (x, y) => x - y,
    mul: (x, y) => x * y,
    div: (x, y) => x / y,
    relu: (x) => (x < 0 ? 0 : x),
    relu_backward: (grad, out) => (out <= 0 ? 0 : grad),
  };

  function elementwise(name, out, x, y) {
    const op = ELEMENTWISE[name];
    withViews([[out, "f32"], [x, "f32"], [y, "f32"]], (out, x, y) => {
      if (y === undefined) for (let i = 0; i < out.length; i++) out[i] = op(x[i]);
      else for (let i = 0; i < out.length; i++) out[i] = op(x[i], y[i]);
    });
  }

  // out = x + alpha * y elementwise, in a double, rounded to float32 once when stored.
  function addScaled(out, x, y, alpha) {
    withViews([[out, "f32"], [x, "f32"], [y, "f32"]], (out, x, y) => {
      for (let i = 0; i < out.length; i++) out[i] = x[i] + alpha * y[i];
    });
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
    const P = OH * OW, R = C * KH * KW;
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
  function conv2d(out, x, w, bias, N, C, H, W, O, KH, KW, sh, sw, ph, pw) {
    const OH = outSize(H, KH, sh, ph), OW = outSize(W, KW, sw, pw);
    withViews([[out, "f32"], [x, "f32"], [w, "f32"], [bias, "f32"]], (out, x, w, bias) => {
      if ((ph || pw) && !allFinite(w)) {
        conv2dLoops(out, x, w, bias, N, C, H, W, O, KH, KW, sh, sw, ph, pw);
        return;
      }
      const P = OH * OW, R = C * KH * KW;
      const [outAt, wAt, colAt, biasAt] = layout(4 * O * P, 4 * O * R, 4 * R * P, bias ? 4 * O : 0);
      wasmF32(wAt, O * R).set(w);
      if (bias) wasmF32(biasAt, O).set(bias);
      for (let n = 0; n < N; n++) {
        im2col(colAt, x, n, C, H, W, KH, KW, OH, OW, sh, sw, ph, pw, false);
        wasm.matmul(outAt, wAt, colAt, bias ? biasAt : 0, O, R, P, R, 1);
        out.set(wasmF32(outAt, O * P), n * O * P);
      }
    });
  }

  function conv2dLoops(out, x, w, bias, N, C, H, W, O, KH, KW, sh, sw, ph, pw) {
    const OH = outSize(H, KH, sh, ph), OW = outSize(W, KW, sw, pw);
    const rows = windows(OH, sh, ph, KH, H), cols = windows(OW, sw, pw, KW, W);
    let pos = 0;
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < O; o++) {
        const b = bias !== undefined ? bias[o] : 0.0;
        for (let oh = 0; oh < OH; oh++) {
          const ih0 = rows.start[oh], khLo = rows.lo[oh], khHi = rows.hi[oh];
          for (let ow = 0; ow < OW; ow++) {
            const iw0 = cols.start[ow], kwLo = cols.lo[ow], kwHi = cols.hi[ow];
            let acc = 0.0;
            for (let c = 0; c < C; c++) {
              const xPlane = (n * C + c) * H, wPlane = (o * C + c) * KH;
              for (let kh = khLo; kh < khHi; kh++) {
                const xRow = (xPlane + ih0 + kh) * W + iw0, wRow = (wPlane + kh) * KW;
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
  function conv2dBackward(gx, gw, gb, gradOut, x, w, N, C, H, W, O, KH, KW, sh, sw, ph, pw) {
    const OH = outSize(H, KH, sh, ph), OW = outSize(W, KW, sw, pw);
    const views = [[gx, "f32"], [gw, "f32"], [gb, "f32"], [gradOut, "f32"], [x, "f32"], [w, "f32"]];
    withViews(views, (gx, gw, gb, gradOut, x, w) => {
      const gradFinite = allFinite(gradOut);
      const viaMatmul = {
        gx: gx && sh === 1 && sw === 1 && allFinite(w),
        gw: gw && gradFinite && allFinite(x),
      };
      if (viaMatmul.gx) inputGradient(gx, gradOut, w, N, C, H, W, O, KH, KW, ph, pw);
      if (viaMatmul.gw) weightGradient(gw, gradOut, x, N, C, H, W, O, KH, KW, sh, sw, ph, pw);
      if (gb) {
        const P = OH * OW, sums = new Float64Array(O);
        for (let n = 0; n < N; n++) {
          for (let o = 0; o < O; o++) for (let pos = 0, g = (n * O + o) * P; pos < P; pos++) sums[o] += gradOut[g + pos];
        }
        gb.set(sums);
      }
      const rest = [viaMatmul.gx ? undefined : gx, viaMatmul.gw ? undefined : gw];
      if (rest[0] || rest[1]) conv2dBackwardLoops(rest[0], rest[1], gradOut, x, w, N, C, H, W, O, KH, KW, sh, sw, ph, pw);
    });
  }

  function weightGradient(gw, gradOut, x, N, C, H, W, O, KH, KW, sh, sw, ph, pw) {
    const OH = outSize(H, KH, sh, ph), OW = outSize(W, KW, sw, pw);
    const P = OH * OW, R = C * KH * KW;
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
    const OH = outSize(H, KH, 1, ph), OW = outSize(W, KW, 1, pw);
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
    const OH = outSize(H, KH, sh, ph), OW = outSize(W, KW, sw, pw);
    const rows = windows(OH, sh, ph, KH, H), cols = windows(OW, sw, pw, KW, W);
    const gx = gx32 && new Float64Array(gx32.length);
    const gw = gw32 && new Float64Array(gw32.length);
    let pos = 0;
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < O; o++) {
        for (let oh = 0; oh < OH; oh++) {
          const ih0 = rows.start[oh], khLo = rows.lo[oh], khHi = rows.hi[oh];
          for (let ow = 0; ow < OW; ow++) {
            const iw0 = cols.start[ow], kwLo = cols.lo[ow], kwHi = cols.hi[ow];
            const g = gradOut[pos++];
            if (g === 0) continue;
            for (let c = 0; c < C; c++) {
              const xPlane = (n * C + c) * H, wPlane = (o * C + c) * KH;
              for (let kh = khLo; kh < khHi; kh++) {
                const xRow = (xPlane + ih0 + kh) * W + iw0, wRow = (wPlane + kh) * KW;
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

  function sumRows(out, values, length, double, vectorized) {
    withViews([[out, "f64"], [values, double ? "f64" : "f32"]], (out, values) => {
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
    });
  }

  function sumColumns(out, values, rows, columns, double, vectorized) {
    withViews([[out, "f64"], [values, double ? "f64" : "f32"]], (out, values) => {
      const Sums = double ? Float64Array : Float32Array;
      const width = double ? 4 : 8;
      const block = vectorized && columns >= width ? 4 * width : 4;
      const cascaded = Math.floor(columns / block) * block;
      const column = new Sums(rows);
      for (let j = 0; j < columns; j++) {
        for (let i = 0; i < rows; i++) column[i] = values[i * columns + j];
        if (j < cascaded) {
          out[j] = multiRowSum(Sums, (i, _k, acc, at) => { acc[at] += column[i]; }, 1, rows, 1)[0];
        } else {
          out[j] = rowSum(Sums, column, 0, rows, 1)[0];
        }
      }
    });
  }

  // Max over each (KH, KW) window of x (N, C, H, W); padding counts as -inf. A value replaces the max when
  // greater or NaN (PyTorch's test), so the first of equal maxima wins and the last NaN wins over everything;
  // indices hold ih * W + iw within the plane.
  function maxPool2d(out, indices, x, N, C, H, W, KH, KW, sh, sw, ph, pw) {
    const OH = outSize(H, KH, sh, ph), OW = outSize(W, KW, sw, pw);
    const rows = windows(OH, sh, ph, KH, H), cols = windows(OW, sw, pw, KW, W);
    withViews([[out, "f32"], [indices, "i64"], [x, "f32"]], (out, indices, x) => {
      let pos = 0;
      for (let plane = 0; plane < N * C; plane++) {
        const base = plane * H * W;
        for (let oh = 0; oh < OH; oh++) {
          const ih0 = rows.start[oh], khLo = rows.lo[oh], khHi = rows.hi[oh];
          for (let ow = 0; ow < OW; ow++) {
            const iw0 = cols.start[ow], kwLo = cols.lo[ow], kwHi = cols.hi[ow];
            let best = -Infinity, bestAt = -1;
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
            indices[pos] = BigInt(bestAt);
            pos++;
          }
        }
      }
    });
  }

  // Each output gradient added to the input position its max came from, in output order.
  function maxPool2dBackward(gx, gradOut, indices, planeIn, planeOut) {
    withViews([[gx, "f32"], [gradOut, "f32"], [indices, "i64"]], (gx32, gradOut, indices) => {
      const gx = new Float64Array(gx32.length);
      for (let pos = 0; pos < gradOut.length; pos++) {
        gx[Math.floor(pos / planeOut) * planeIn + Number(indices[pos])] += gradOut[pos];
      }
      gx32.set(gx);
    });
  }

  return { useWasm, matmul, sumRows, sumColumns, elementwise, addScaled, conv2d, conv2dBackward, maxPool2d, maxPool2dBackward };
})()
