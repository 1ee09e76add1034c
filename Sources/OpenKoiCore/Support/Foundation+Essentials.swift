// Core uses FoundationEssentials only: full Foundation drags in ICU and costs every start (DESIGN.md §4).
#if canImport(FoundationEssentials)
    @_exported import FoundationEssentials
#else
    @_exported import Foundation
#endif
