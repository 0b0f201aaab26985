//! A person's consent and releases from confidentiality, the printed forms, and the
//! data-protection officer's look-up. It imports the kernel and administration.

pub mod consent;
pub mod printing;
pub mod privacy;
pub mod releases;
