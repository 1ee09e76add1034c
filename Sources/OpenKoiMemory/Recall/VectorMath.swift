/// Vector arithmetic shared by recall, dedup and skill selection.
public enum VectorMath {
    /// Cosine similarity; 0 when either vector is zero or their lengths differ.
    public static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count else { return 0 }
        var (dot, na, nb): (Float, Float, Float) = (0, 0, 0)
        for i in a.indices {
            dot += a[i] * b[i]
            na += a[i] * a[i]
            nb += b[i] * b[i]
        }
        return na > 0 && nb > 0 ? dot / (na.squareRoot() * nb.squareRoot()) : 0
    }
}
