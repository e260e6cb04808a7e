#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    lrt_common::export::print::<lrt_timelock::Timelock>(lrt_timelock::ABI_SECTIONS);
}
