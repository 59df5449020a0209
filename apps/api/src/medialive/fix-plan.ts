import type { MediaLiveFixChange } from '@mld/contracts';
import type { MlChannel, MlChannelEdit } from './medialive.model.js';
import { parseDestination, type OurChannelRef } from './preflight.js';

/**
 * What Fix would change so that the first UDP output feeds the linked channel: pipeline 0's URL
 * (our scheme, port, and address unless we bind 0.0.0.0) and SCTE-35 passthrough. Pipeline 1 is
 * left alone until the backup input exists. Pure; the diff is shown before it is applied.
 */
export function planFix(channel: MlChannel, linked: OurChannelRef, localAddresses: string[]): { changes: MediaLiveFixChange[]; edit: MlChannelEdit } {
  const changes: MediaLiveFixChange[] = [];
  const edit: MlChannelEdit = { urls: [], scte35Passthrough: [] };
  const output = channel.udpOutputs[0];
  if (!output) return { changes, edit };
  const current = output.urls[0] ?? '';
  const parsed = parseDestination(current);
  const host = linked.bindIp !== '0.0.0.0' ? linked.bindIp : (parsed?.host ?? localAddresses.find((a) => a !== '127.0.0.1') ?? '127.0.0.1');
  const wanted = `${linked.inputType}://${host}:${linked.port}`;
  if (current !== wanted) {
    changes.push({ setting: `Destinations["${output.destinationId}"].Settings[0].Url`, from: current, to: wanted });
    edit.urls.push({ destinationId: output.destinationId, pipeline: 0, url: wanted });
  }
  if (output.scte35Control !== 'PASSTHROUGH' && output.outputGroup !== null && output.output !== null) {
    changes.push({
      setting: `EncoderSettings.OutputGroups["${output.outputGroup}"].Outputs["${output.output}"].OutputSettings.UdpOutputSettings.ContainerSettings.M2tsSettings.Scte35Control`,
      from: output.scte35Control ?? 'NONE',
      to: 'PASSTHROUGH',
    });
    edit.scte35Passthrough.push({ outputGroup: output.outputGroup, output: output.output });
  }
  return { changes, edit };
}
