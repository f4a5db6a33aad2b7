// The operation procedure `{addr}.ops` (docs/ocs-protocol.md §2.6): Python's
// `_ops_handler(action, op_name, params=None, timeout=None, password=None)`.
// Accepts every caller's shape: OCSClient `[action, op, params]`, Twisted
// `[action, op]` + kwargs {params, timeout}, ocs-web `[action, op, []]`.
import { ResponseCode } from '../core/op-code.ts';
import { bindArguments, type Signature } from './call-args.ts';
import type { OperationTable, OpsReply } from './operation-table.ts';
import { pyStr } from './py-repr.ts';

const SIGNATURE: Signature = {
  name: 'OCSAgent._ops_handler', // Python >= 3.10 qualifies the method name
  params: ['action', 'op_name', 'params', 'timeout', 'password'],
  required: 2,
  varKeywords: false,
};

/**
 * Dispatch one call. `password` is accepted and ignored (policy none). The
 * reply is a plain triple, or a Promise of one for `wait`.
 */
export function handleOps(table: OperationTable, args: unknown, kwargs: unknown): OpsReply | Promise<OpsReply> {
  const bound = bindArguments(SIGNATURE, args, kwargs);
  const opName = bound['op_name'];
  const params = bound['params'] ?? null;
  switch (bound['action']) {
    case 'start':
      return table.start(opName, params);
    case 'stop':
      return table.stop(opName, params);
    case 'abort':
      return table.abort(opName, params);
    case 'wait':
      return table.wait(opName, bound['timeout'] ?? null);
    case 'status':
      return table.status(opName);
    default:
      // Python interpolates the op name here, not the action (Q18).
      return [ResponseCode.ERROR, `No implementation for "${pyStr(opName)}"`, {}];
  }
}
