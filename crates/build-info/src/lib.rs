//! The commit PolicyPress was built from, for `--version` and `doctor`: read from git by
//! this crate's build script, which runs again only when the checkout's HEAD moves.

/// The commit's short hash (`5ae9f13c0d1e`); empty when not built from a git checkout.
pub const COMMIT: &str = env!("POLICYPRESS_COMMIT");
