//! EXEC: run the queued transaction.

use super::{execute, lookup, Access, Args, Command, Ctx, Spec};
use crate::emulator::error::CommandError;
use crate::emulator::reply::Reply;
use crate::emulator::split::ArgBuffer;

/// Name, arity, syntax and summary.
pub const SPEC: Spec = Spec {
    name: "exec",
    arity: 1,
    syntax: "",
    summary: "Runs the commands queued since MULTI, with no other client's command in between.",
    group: "transactions",
    denyoom: false,
    // It runs whatever was queued: taken to write anything.
    access: Access::Write,
};

/// ```text
/// EXEC
/// ```
/// Replies with an array of the queued commands' replies (an error among them is that
/// command's error; the others still ran). Replies nil, running nothing, if a watched key was
/// modified; `EXECABORT` if a command was refused while queueing, or if the server is out of
/// memory and a queued command would add data.
#[derive(Debug)]
pub struct Exec;

impl<'a> Command<'a> for Exec {
    fn parse(_args: &mut Args<'a>) -> Result<Self, CommandError> {
        Ok(Exec)
    }

    fn apply(self, ctx: &mut Ctx<'_>) -> Result<Reply, CommandError> {
        let Some(queue) = open_transaction(ctx)? else {
            return Ok(Reply::NilArray);
        };
        let mut buffer = ArgBuffer::new();
        let mut replies = Vec::with_capacity(queue.len());
        for argv in &queue {
            buffer.clear();
            for arg in argv {
                buffer.push(arg);
            }
            replies.push(execute(buffer.argv(), ctx));
        }
        ctx.session.ran(queue);
        Ok(Reply::Array(replies))
    }
}

/// EXEC's checks, in Redis's order, ending the transaction: the commands to run now, or `None`
/// when a watched key changed (EXEC then answers nil and runs nothing). A server that queued
/// commands of its own (`minired`'s CONFIG, SELECT …) runs the queue itself.
pub fn open_transaction(ctx: &mut Ctx<'_>) -> Result<Option<Vec<Vec<Vec<u8>>>>, CommandError> {
    if !ctx.session.in_transaction() {
        return Err(CommandError::ExecWithoutMulti);
    }
    let touched = ctx
        .session
        .watched()
        .iter()
        .any(|(key, stamp)| ctx.keyspace.stamp_of(key) != Some(*stamp));
    let adds = |argv: &Vec<Vec<u8>>| {
        argv.first()
            .and_then(|name| lookup(name))
            .is_some_and(|(_, spec)| spec.denyoom)
    };
    let Some((queue, refused)) = ctx.session.close() else {
        return Err(CommandError::ExecWithoutMulti);
    };
    // Redis refuses an EXEC that would add data at maxmemory before it looks at the rest.
    if ctx.out_of_memory && queue.iter().any(adds) {
        return Err(CommandError::ExecAbortOutOfMemory);
    }
    if refused {
        return Err(CommandError::ExecAbort);
    }
    if touched {
        return Ok(None);
    }
    Ok(Some(queue))
}
