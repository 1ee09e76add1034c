import OpenKoiCore
import OpenKoiProviders

/// What `doctor` and `models` show about one provider: where its credential came from (masked) and
/// the models it lists (or why it could not list them).
struct ProviderStatus: Sendable {
    var profile: ProviderProfile
    var credential: Credential?
    var models: [ModelInfo]
    /// Why the live list could not be had; `models` is then the static catalog (possibly empty).
    var listingProblem: String?
}

/// Every provider this machine can use: built-ins with credentials, configured hosts, and local
/// servers that answer a probe.
enum ProviderInventory {
    static func gather(_ resolver: ProviderResolver, only: String? = nil, refresh: Bool = false) async
        -> [ProviderStatus]
    {
        var candidates: [ProviderProfile] = resolver.availableProfiles()
        for id in resolver.knownProviderIDs {
            guard let profile = resolver.profile(id), !candidates.contains(where: { $0.id == id }) else { continue }
            let local = profile.access == .none
            let configured = ProviderProfile.builtIn(id) == nil
            if local || configured || only == id { candidates.append(profile) }
        }
        if let only { candidates = candidates.filter { $0.id == only } }
        return await withTaskGroup(of: (Int, ProviderStatus?).self) { group in
            for (index, profile) in candidates.enumerated() {
                group.addTask {
                    (index, await status(of: profile, resolver: resolver, refresh: refresh, keepIfDown: only != nil))
                }
            }
            var results: [(Int, ProviderStatus)] = []
            for await (index, status) in group { if let status { results.append((index, status)) } }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// `nil` for a local server that is not running (unless it was asked for by name).
    private static func status(
        of profile: ProviderProfile, resolver: ProviderResolver, refresh: Bool, keepIfDown: Bool
    ) async -> ProviderStatus? {
        let credential = resolver.credential(for: profile)
        let catalog = ModelCatalog.catalog(for: profile.id)
        do {
            if let listed = try await resolver.listedModels(profile, refresh: refresh), !listed.isEmpty {
                return ProviderStatus(profile: profile, credential: credential, models: listed)
            }
            let problem = "the server listed no models"
            return ProviderStatus(profile: profile, credential: credential, models: catalog, listingProblem: problem)
        } catch {
            if profile.access == .none, !keepIfDown { return nil }
            return ProviderStatus(
                profile: profile, credential: credential, models: catalog, listingProblem: "\(error)")
        }
    }
}
