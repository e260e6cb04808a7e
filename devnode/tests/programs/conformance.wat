;; A conformance program for the devnode's Stylus host functions.
;; Calldata: one command byte, then the command's arguments (read into memory
;; at 1024, so argument n starts at 1025 + its offset). Results are written
;; from 32768.
(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "exit_early" (func $exit_early (param i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $sload (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $scache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $sflush (param i32)))
  (import "vm_hooks" "transient_load_bytes32" (func $tload (param i32 i32)))
  (import "vm_hooks" "transient_store_bytes32" (func $tstore (param i32 i32)))
  (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "delegate_call_contract" (func $dcall (param i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "static_call_contract" (func $scall (param i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "create1" (func $create1 (param i32 i32 i32 i32 i32)))
  (import "vm_hooks" "create2" (func $create2 (param i32 i32 i32 i32 i32 i32)))
  (import "vm_hooks" "read_return_data" (func $rrd (param i32 i32 i32) (result i32)))
  (import "vm_hooks" "return_data_size" (func $rds (result i32)))
  (import "vm_hooks" "emit_log" (func $log (param i32 i32 i32)))
  (import "vm_hooks" "account_balance" (func $balance (param i32 i32)))
  (import "vm_hooks" "account_code" (func $code (param i32 i32 i32 i32) (result i32)))
  (import "vm_hooks" "account_code_size" (func $codesize (param i32) (result i32)))
  (import "vm_hooks" "account_codehash" (func $codehash (param i32 i32)))
  (import "vm_hooks" "block_basefee" (func $basefee (param i32)))
  (import "vm_hooks" "block_coinbase" (func $coinbase (param i32)))
  (import "vm_hooks" "block_gas_limit" (func $gaslimit (result i64)))
  (import "vm_hooks" "block_number" (func $number (result i64)))
  (import "vm_hooks" "block_timestamp" (func $timestamp (result i64)))
  (import "vm_hooks" "chainid" (func $chainid (result i64)))
  (import "vm_hooks" "contract_address" (func $address (param i32)))
  (import "vm_hooks" "evm_gas_left" (func $gasleft (result i64)))
  (import "vm_hooks" "evm_ink_left" (func $inkleft (result i64)))
  (import "vm_hooks" "math_div" (func $div (param i32 i32)))
  (import "vm_hooks" "math_mod" (func $mod (param i32 i32)))
  (import "vm_hooks" "math_pow" (func $pow (param i32 i32)))
  (import "vm_hooks" "math_add_mod" (func $addmod (param i32 i32 i32)))
  (import "vm_hooks" "math_mul_mod" (func $mulmod (param i32 i32 i32)))
  (import "vm_hooks" "msg_reentrant" (func $reentrant (result i32)))
  (import "vm_hooks" "msg_sender" (func $sender (param i32)))
  (import "vm_hooks" "msg_value" (func $value (param i32)))
  (import "vm_hooks" "native_keccak256" (func $keccak (param i32 i32 i32)))
  (import "vm_hooks" "tx_gas_price" (func $gasprice (param i32)))
  (import "vm_hooks" "tx_ink_price" (func $inkprice (result i32)))
  (import "vm_hooks" "tx_origin" (func $origin (param i32)))
  (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
  (memory (export "memory") 1)

  ;; Returns `len` bytes from `ptr` with status 0.
  (func $ok (param $ptr i32) (param $len i32) (result i32)
    (call $write_result (local.get $ptr) (local.get $len))
    (i32.const 0))

  ;; Returns the status byte of a call followed by its return data.
  (func $forward (param $status i32) (result i32)
    (i32.store8 (i32.const 32768) (local.get $status))
    (call $ok (i32.const 32768)
      (i32.add (i32.const 1) (call $rrd (i32.const 32769) (i32.const 0) (i32.const 16000)))))

  (func $recurse (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $recurse (i32.sub (local.get $n) (i32.const 1)))))))

  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $cmd i32)
    (call $read_args (i32.const 1024))
    (local.set $cmd (i32.load8_u (i32.const 1024)))

    ;; 1: call(target[20], value[32], data..)
    (if (i32.eq (local.get $cmd) (i32.const 1)) (then
      (return (call $forward
        (call $call (i32.const 1025) (i32.const 1077) (i32.sub (local.get $len) (i32.const 53))
          (i32.const 1045) (i64.const -1) (i32.const 0))))))
    ;; 2: delegate_call(target[20], data..)
    (if (i32.eq (local.get $cmd) (i32.const 2)) (then
      (return (call $forward
        (call $dcall (i32.const 1025) (i32.const 1045) (i32.sub (local.get $len) (i32.const 21))
          (i64.const -1) (i32.const 0))))))
    ;; 3: static_call(target[20], data..)
    (if (i32.eq (local.get $cmd) (i32.const 3)) (then
      (return (call $forward
        (call $scall (i32.const 1025) (i32.const 1045) (i32.sub (local.get $len) (i32.const 21))
          (i64.const -1) (i32.const 0))))))
    ;; 4: create1(endowment[32], code..) -> address[20] ++ revert data
    (if (i32.eq (local.get $cmd) (i32.const 4)) (then
      (call $create1 (i32.const 1057) (i32.sub (local.get $len) (i32.const 33)) (i32.const 1025)
        (i32.const 32768) (i32.const 0))
      (return (call $ok (i32.const 32768)
        (i32.add (i32.const 20) (call $rrd (i32.const 32788) (i32.const 0) (i32.const 16000)))))))
    ;; 5: create2(endowment[32], salt[32], code..) -> address[20] ++ revert data
    (if (i32.eq (local.get $cmd) (i32.const 5)) (then
      (call $create2 (i32.const 1089) (i32.sub (local.get $len) (i32.const 65)) (i32.const 1025)
        (i32.const 1057) (i32.const 32768) (i32.const 0))
      (return (call $ok (i32.const 32768)
        (i32.add (i32.const 20) (call $rrd (i32.const 32788) (i32.const 0) (i32.const 16000)))))))
    ;; 6: emit_log(topic count[1], topics ++ data..)
    (if (i32.eq (local.get $cmd) (i32.const 6)) (then
      (call $log (i32.const 1026) (i32.sub (local.get $len) (i32.const 2)) (i32.load8_u (i32.const 1025)))
      (return (i32.const 0))))
    ;; 7: store(key[32], value[32]) through the cache, then flush
    (if (i32.eq (local.get $cmd) (i32.const 7)) (then
      (call $scache (i32.const 1025) (i32.const 1057))
      (call $sflush (i32.const 1))
      (return (i32.const 0))))
    ;; 8: load(key[32]) -> value[32]
    (if (i32.eq (local.get $cmd) (i32.const 8)) (then
      (call $sload (i32.const 1025) (i32.const 32768))
      (return (call $ok (i32.const 32768) (i32.const 32)))))
    ;; 9: revert with data..
    (if (i32.eq (local.get $cmd) (i32.const 9)) (then
      (call $write_result (i32.const 1025) (i32.sub (local.get $len) (i32.const 1)))
      (return (i32.const 1))))
    ;; 10: spin until out of ink
    (if (i32.eq (local.get $cmd) (i32.const 10)) (then
      (loop $spin (br $spin))))
    ;; 11: recurse(depth u32 LE) -> depth u32 LE
    (if (i32.eq (local.get $cmd) (i32.const 11)) (then
      (i32.store (i32.const 32768) (call $recurse (i32.load (i32.const 1025))))
      (return (call $ok (i32.const 32768) (i32.const 4)))))
    ;; 12: memory.grow(pages[1]) -> grow result i32 LE ++ memory.size i32 LE
    (if (i32.eq (local.get $cmd) (i32.const 12)) (then
      (i32.store (i32.const 32768) (memory.grow (i32.load8_u (i32.const 1025))))
      (i32.store (i32.const 32772) (memory.size))
      (return (call $ok (i32.const 32768) (i32.const 8)))))
    ;; 13: environment
    (if (i32.eq (local.get $cmd) (i32.const 13)) (then
      (call $sender (i32.const 32768))
      (call $value (i32.const 32788))
      (call $address (i32.const 32820))
      (call $origin (i32.const 32840))
      (call $coinbase (i32.const 32860))
      (call $basefee (i32.const 32880))
      (call $gasprice (i32.const 32912))
      (i64.store (i32.const 32944) (call $number))
      (i64.store (i32.const 32952) (call $timestamp))
      (i64.store (i32.const 32960) (call $chainid))
      (i64.store (i32.const 32968) (call $gaslimit))
      (i32.store (i32.const 32976) (call $reentrant))
      (i32.store (i32.const 32980) (call $inkprice))
      (return (call $ok (i32.const 32768) (i32.const 216)))))
    ;; 14: keccak(data..) -> hash[32]
    (if (i32.eq (local.get $cmd) (i32.const 14)) (then
      (call $keccak (i32.const 1025) (i32.sub (local.get $len) (i32.const 1)) (i32.const 32768))
      (return (call $ok (i32.const 32768) (i32.const 32)))))
    ;; 15: math(op[1], a[32], b[32], c[32]) -> result[32]
    (if (i32.eq (local.get $cmd) (i32.const 15)) (then
      (block $done
        (block $mulmod (block $addmod (block $pow (block $mod (block $div
          (br_table $div $mod $pow $addmod $mulmod (i32.load8_u (i32.const 1025))))
          (call $div (i32.const 1026) (i32.const 1058)) (br $done))
          (call $mod (i32.const 1026) (i32.const 1058)) (br $done))
          (call $pow (i32.const 1026) (i32.const 1058)) (br $done))
          (call $addmod (i32.const 1026) (i32.const 1058) (i32.const 1090)) (br $done))
          (call $mulmod (i32.const 1026) (i32.const 1058) (i32.const 1090)))
      (return (call $ok (i32.const 1026) (i32.const 32)))))
    ;; 16: transient store(key[32], value[32]) when value is non-zero, then load(key) -> value[32]
    (if (i32.eq (local.get $cmd) (i32.const 16)) (then
      (if (i32.gt_u (local.get $len) (i32.const 33))
        (then (call $tstore (i32.const 1025) (i32.const 1057))))
      (call $tload (i32.const 1025) (i32.const 32768))
      (return (call $ok (i32.const 32768) (i32.const 32)))))
    ;; 17: account(target[20]) -> balance[32] ++ code size u32 LE ++ code hash[32]
    (if (i32.eq (local.get $cmd) (i32.const 17)) (then
      (call $balance (i32.const 1025) (i32.const 32768))
      (i32.store (i32.const 32800) (call $codesize (i32.const 1025)))
      (call $codehash (i32.const 1025) (i32.const 32804))
      (return (call $ok (i32.const 32768) (i32.const 68)))))
    ;; 18: exit_early(status[1]) with result data..
    (if (i32.eq (local.get $cmd) (i32.const 18)) (then
      (call $write_result (i32.const 1026) (i32.sub (local.get $len) (i32.const 2)))
      (call $exit_early (i32.load8_u (i32.const 1025)))
      (unreachable)))
    ;; 19: cache(key[32], value[32]) without flushing, call(target[20], data..), then flush
    (if (i32.eq (local.get $cmd) (i32.const 19)) (then
      (call $scache (i32.const 1025) (i32.const 1057))
      (i32.store8 (i32.const 32768)
        (call $call (i32.const 1089) (i32.const 1109) (i32.sub (local.get $len) (i32.const 85))
          (i32.const 40000) (i64.const -1) (i32.const 0)))
      (call $sflush (i32.const 1))
      (return (call $ok (i32.const 32768)
        (i32.add (i32.const 1) (call $rrd (i32.const 32769) (i32.const 0) (i32.const 16000)))))))
    ;; 20: gas and ink left -> gas u64 LE ++ ink u64 LE
    (if (i32.eq (local.get $cmd) (i32.const 20)) (then
      (i64.store (i32.const 32768) (call $gasleft))
      (i64.store (i32.const 32776) (call $inkleft))
      (return (call $ok (i32.const 32768) (i32.const 16)))))
    ;; 21: call(target[20], data..) with zero value -> return data size u32 LE
    (if (i32.eq (local.get $cmd) (i32.const 21)) (then
      (drop (call $call (i32.const 1025) (i32.const 1045) (i32.sub (local.get $len) (i32.const 21))
        (i32.const 40000) (i64.const -1) (i32.const 0)))
      (i32.store (i32.const 32768) (call $rds))
      (return (call $ok (i32.const 32768) (i32.const 4)))))
    ;; 22: code(target[20], offset u32 LE, size u32 LE) -> code slice
    (if (i32.eq (local.get $cmd) (i32.const 22)) (then
      (return (call $ok (i32.const 32768)
        (call $code (i32.const 1025) (i32.load (i32.const 1045)) (i32.load (i32.const 1049)) (i32.const 32768))))))
    ;; 23: call(target[20], value[32], data..), then revert with the callee's status and data
    (if (i32.eq (local.get $cmd) (i32.const 23)) (then
      (drop (call $forward
        (call $call (i32.const 1025) (i32.const 1077) (i32.sub (local.get $len) (i32.const 53))
          (i32.const 1045) (i64.const -1) (i32.const 0))))
      (return (i32.const 1))))
    ;; 0 or unknown: succeed with no output
    (i32.const 0))

  ;; 40000: a zero word, the value of plain calls.
  (data (i32.const 40000) "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00"))
