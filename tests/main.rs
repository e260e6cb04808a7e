//! The end-to-end suite, linked into one test binary: each file would
//! otherwise link its own copy of the devnode, the deploy tool and alloy.
mod abi;
mod access;
mod chainlink;
mod fragments;
mod governance;
mod lifecycle;
mod permit;
mod pricing;
#[path = "e2e.rs"]
mod protocol;
mod rates;
mod resume;
mod rpc;
mod scaling;
