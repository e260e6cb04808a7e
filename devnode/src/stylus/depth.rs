//! Nitro's worst-case stack depth of a function (`DepthChecker::worst_case_depth`).
//!
//! The depth checker charges each call the function's frame size: the most
//! values its operand stack can hold at once, plus its declared locals, plus 4.
//! The operand stack is simulated over the already metered code, exactly as
//! Nitro does, so frame sizes (and so the recursion depth a program reaches
//! before running out of stack) match Nitro's.

use wasmparser::{BlockType, FuncType, Operator};

/// The worst-case operand stack height of `ops`.
///
/// `function_types` maps every function index (imports first) to its type
/// index in `types`.
pub fn worst_case_stack(
    ops: &[Operator],
    function_types: &[u32],
    types: &[FuncType],
) -> Result<u32, String> {
    use Operator::*;
    let mut worst: u32 = 0;
    let mut stack: u32 = 0;
    let mut scopes = vec![stack];

    let signature = |index: u32| {
        types
            .get(index as usize)
            .ok_or_else(|| format!("missing type {index}"))
    };
    let push = |stack: &mut u32, worst: &mut u32, count: u32| {
        *stack += count;
        *worst = (*worst).max(*stack);
    };
    let pop = |stack: &mut u32, count: u32| *stack = stack.saturating_sub(count);
    let ins_and_outs = |stack: &mut u32, worst: &mut u32, ty: &FuncType| {
        push(stack, worst, ty.results().len() as u32);
        pop(stack, ty.params().len() as u32);
    };
    let block_type =
        |stack: &mut u32, worst: &mut u32, blockty: &BlockType| -> Result<(), String> {
            match blockty {
                BlockType::Empty => {}
                BlockType::Type(_) => push(stack, worst, 1),
                BlockType::FuncType(index) => ins_and_outs(stack, worst, signature(*index)?),
            }
            Ok(())
        };

    for op in ops {
        match op {
            Block { blockty } | Loop { blockty } => {
                block_type(&mut stack, &mut worst, blockty)?;
                scopes.push(stack);
            }
            If { blockty } => {
                pop(&mut stack, 1);
                block_type(&mut stack, &mut worst, blockty)?;
                scopes.push(stack);
            }
            Else => stack = *scopes.last().ok_or("malformed if-else scope")?,
            End => {
                stack = scopes
                    .pop()
                    .ok_or("malformed scoping detected at end of block")?
            }
            Call { function_index } => {
                let ty = function_types
                    .get(*function_index as usize)
                    .ok_or_else(|| format!("missing type for func {function_index}"))?;
                ins_and_outs(&mut stack, &mut worst, signature(*ty)?);
            }
            CallIndirect { type_index, .. } => {
                ins_and_outs(&mut stack, &mut worst, signature(*type_index)?);
                pop(&mut stack, 1);
            }
            MemoryFill { .. } | MemoryCopy { .. } => pop(&mut stack, 3),

            Nop
            | Unreachable
            | I32Eqz
            | I64Eqz
            | I32Clz
            | I32Ctz
            | I32Popcnt
            | I64Clz
            | I64Ctz
            | I64Popcnt
            | Br { .. }
            | Return
            | LocalTee { .. }
            | MemoryGrow { .. }
            | I32Load { .. }
            | I64Load { .. }
            | F32Load { .. }
            | F64Load { .. }
            | I32Load8S { .. }
            | I32Load8U { .. }
            | I32Load16S { .. }
            | I32Load16U { .. }
            | I64Load8S { .. }
            | I64Load8U { .. }
            | I64Load16S { .. }
            | I64Load16U { .. }
            | I64Load32S { .. }
            | I64Load32U { .. }
            | I32WrapI64
            | I64ExtendI32S
            | I64ExtendI32U
            | I32Extend8S
            | I32Extend16S
            | I64Extend8S
            | I64Extend16S
            | I64Extend32S
            | F32Abs
            | F32Neg
            | F32Ceil
            | F32Floor
            | F32Trunc
            | F32Nearest
            | F32Sqrt
            | F64Abs
            | F64Neg
            | F64Ceil
            | F64Floor
            | F64Trunc
            | F64Nearest
            | F64Sqrt
            | I32TruncF32S
            | I32TruncF32U
            | I32TruncF64S
            | I32TruncF64U
            | I64TruncF32S
            | I64TruncF32U
            | I64TruncF64S
            | I64TruncF64U
            | F32ConvertI32S
            | F32ConvertI32U
            | F32ConvertI64S
            | F32ConvertI64U
            | F32DemoteF64
            | F64ConvertI32S
            | F64ConvertI32U
            | F64ConvertI64S
            | F64ConvertI64U
            | F64PromoteF32
            | I32ReinterpretF32
            | I64ReinterpretF64
            | F32ReinterpretI32
            | F64ReinterpretI64
            | I32TruncSatF32S
            | I32TruncSatF32U
            | I32TruncSatF64S
            | I32TruncSatF64U
            | I64TruncSatF32S
            | I64TruncSatF32U
            | I64TruncSatF64S
            | I64TruncSatF64U => {}

            LocalGet { .. }
            | GlobalGet { .. }
            | MemorySize { .. }
            | I32Const { .. }
            | I64Const { .. }
            | F32Const { .. }
            | F64Const { .. } => push(&mut stack, &mut worst, 1),

            Drop
            | I32Eq
            | I32Ne
            | I32LtS
            | I32LtU
            | I32GtS
            | I32GtU
            | I32LeS
            | I32LeU
            | I32GeS
            | I32GeU
            | I64Eq
            | I64Ne
            | I64LtS
            | I64LtU
            | I64GtS
            | I64GtU
            | I64LeS
            | I64LeU
            | I64GeS
            | I64GeU
            | F32Eq
            | F32Ne
            | F32Lt
            | F32Gt
            | F32Le
            | F32Ge
            | F64Eq
            | F64Ne
            | F64Lt
            | F64Gt
            | F64Le
            | F64Ge
            | I32Add
            | I32Sub
            | I32Mul
            | I32DivS
            | I32DivU
            | I32RemS
            | I32RemU
            | I64Add
            | I64Sub
            | I64Mul
            | I64DivS
            | I64DivU
            | I64RemS
            | I64RemU
            | I32And
            | I32Or
            | I32Xor
            | I32Shl
            | I32ShrS
            | I32ShrU
            | I32Rotl
            | I32Rotr
            | I64And
            | I64Or
            | I64Xor
            | I64Shl
            | I64ShrS
            | I64ShrU
            | I64Rotl
            | I64Rotr
            | F32Add
            | F32Sub
            | F32Mul
            | F32Div
            | F32Min
            | F32Max
            | F32Copysign
            | F64Add
            | F64Sub
            | F64Mul
            | F64Div
            | F64Min
            | F64Max
            | F64Copysign
            | BrIf { .. }
            | BrTable { .. }
            | LocalSet { .. }
            | GlobalSet { .. } => pop(&mut stack, 1),

            Select
            | I32Store { .. }
            | I64Store { .. }
            | F32Store { .. }
            | F64Store { .. }
            | I32Store8 { .. }
            | I32Store16 { .. }
            | I64Store8 { .. }
            | I64Store16 { .. }
            | I64Store32 { .. } => pop(&mut stack, 2),

            other => return Err(format!("extension {other:?} not supported")),
        }
    }
    Ok(worst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_pushes_pops_and_scopes() {
        let ops = [
            Operator::I32Const { value: 1 },
            Operator::I32Const { value: 2 },
            Operator::I32Add,
            Operator::Block {
                blockty: BlockType::Empty,
            },
            Operator::I32Const { value: 3 },
            Operator::I32Const { value: 4 },
            Operator::I32Const { value: 5 },
            Operator::Drop,
            Operator::End,
            Operator::End,
        ];
        assert_eq!(worst_case_stack(&ops, &[], &[]).unwrap(), 4);
    }
}
