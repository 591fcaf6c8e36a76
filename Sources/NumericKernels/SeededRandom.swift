import Foundation

/// A small deterministic pseudo-random generator: xoshiro256** (Blackman & Vigna, "Scrambled linear
/// pseudorandom number generators", ACM TOMS 2021) seeded through SplitMix64 (Steele, Lea & Flood 2014),
/// with Gaussian variates from the Box–Muller transform (Box & Muller 1958).
///
/// The sequence depends only on the seed (and, for `init(seed:stream:)`, the stream number), never on the
/// platform, the thread or the time, so every randomized computation of the engine is reproducible.
/// Not cryptographically secure.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64
    /// Second Box–Muller variate of the last pair, returned by the next `nextGaussian()`.
    private var spareGaussian: Double?

    /// A generator whose whole sequence is fixed by `seed`.
    public init(seed: UInt64) {
        self.init(seed: seed, stream: 0)
    }

    /// An independent generator for sub-task `stream` of a computation seeded with `seed`.
    ///
    /// Parallel code gives each fixed-size block of work its own stream, so the numbers a block
    /// receives do not depend on which thread runs it or how many threads there are.
    public init(seed: UInt64, stream: UInt64) {
        // SplitMix64 expands (seed, stream) into the 256-bit xoshiro state; it never yields an all-zero
        // state (the one forbidden xoshiro state) because SplitMix64 is a bijection on distinct counters.
        var x = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
        func splitMix() -> UInt64 {
            x = x &+ 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
        spareGaussian = nil
    }

    /// Next 64 uniformly distributed bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// Uniform double in the open-closed interval (0, 1]: the top 53 bits, plus one ulp so it is never 0
    /// (Box–Muller takes its logarithm).
    public mutating func nextUnitInterval() -> Double {
        Double((next() >> 11) + 1) * 0x1.0p-53
    }

    /// Standard normal variate N(0, 1) by the Box–Muller transform: for independent u1, u2 uniform on
    /// (0, 1], r = sqrt(-2 ln u1) and θ = 2π u2 give two independent normals r cos θ and r sin θ.
    public mutating func nextGaussian() -> Double {
        if let spare = spareGaussian {
            spareGaussian = nil
            return spare
        }
        let u1 = nextUnitInterval()
        let u2 = nextUnitInterval()
        let r = (-2.0 * Foundation.log(u1)).squareRoot()
        let theta = 2.0 * Double.pi * u2
        spareGaussian = r * Foundation.sin(theta)
        return r * Foundation.cos(theta)
    }

    /// Fills `buffer` with standard normal variates (as Float), in order.
    public mutating func fillGaussian(_ buffer: UnsafeMutableBufferPointer<Float>) {
        for i in buffer.indices {
            buffer[i] = Float(nextGaussian())
        }
    }

    @inline(__always)
    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}
