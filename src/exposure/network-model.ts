/** The network description: zones as CIDR sets, and which filter guards which zone or asset. (Being written.) */

export interface NetworkBatch {
  kind: 'network';
}
