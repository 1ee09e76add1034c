import CVectorKernels

/// The C kernels under the embedder and vector search: which implementation the CPU got, and
/// how many threads one call may use.
public enum VectorKernels {
    /// "avx2+fma" or "portable" (CPUs without AVX2, arm64).
    public static var implementation: String { String(cString: okv_kernel_name()) }

    /// Runs the portable C kernels even where AVX2 is available (true), or the best the CPU has
    /// (false), for kernel calls made on the calling thread; returns the implementation now in
    /// use there. For tests and comparisons (`LocalEmbedder.embed` runs on a thread of its own:
    /// use `embedBlocking`).
    @discardableResult
    static func usePortable(_ portable: Bool) -> String {
        String(cString: okv_use_kernels(portable ? "portable" : nil))
    }

    /// Caps the threads one matrix product or vector scan may use: 2 (the default) or 1. The
    /// second thread helps when a core is idle and costs a little when both are busy.
    public static func limitThreads(to count: Int) { okv_set_max_threads(Int32(clamping: count)) }
}
