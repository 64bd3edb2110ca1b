/** One job and its JobsDetail, in the corpus's element orders. */
import type { XmlObject } from './xml';

export type JobTag = 'ImageOCR' | 'ImageLicenseRec';
export type JobState = 'Submitted' | 'Running' | 'Success' | 'Failed' | 'Pause' | 'Cancel';
export const JOB_STATES: JobState[] = [
	'Submitted',
	'Running',
	'Success',
	'Failed',
	'Pause',
	'Cancel',
];

export interface JobOperation {
	templateId?: string;
	templateName?: string;
	/** An inline ImageOCR, echoed as it was sent (jobs/ocr-submit-inline.xml). */
	imageOcr?: XmlObject;
	cardType?: string;
	userData?: string;
	jobLevel: string;
}

export interface JobCallback {
	url?: string;
	format: 'JSON' | 'XML';
	type: 'Url' | 'TDMQ';
	mq?: XmlObject;
}

export class Job {
	state: JobState = 'Submitted';
	startTime = '-';
	endTime = '-';
	code = 'Success';
	message = '';
	/** `Operation.Detection` (OCR) or `Operation.ImageLicenseRecResult` (cards), once finished. */
	result?: XmlObject;
	/** Timers that move the job on; cancel stops them. */
	readonly timers: unknown[] = [];
	/** The JobsDetail as it is now; an own enumerable getter, so that `{ ...job }` keeps it. */
	declare readonly detail: XmlObject;

	constructor(
		readonly id: string,
		readonly tag: JobTag,
		readonly createdAt: number,
		readonly creationTime: string,
		readonly input: { bucket: string; object: string; region: string },
		readonly queueId: string,
		readonly operation: JobOperation,
		/** The OCR parameters in force, fixed at submission (the template's when TemplateId is given). */
		readonly ocrOptions: XmlObject | undefined,
		readonly callback: JobCallback | undefined,
	) {
		Object.defineProperty(this, 'detail', { enumerable: true, get: () => this.render() });
	}

	/**
	 * The JobsDetail: OCR jobs in jobs/ocr-success.xml's (alphabetical) order, card jobs in
	 * jobs/card-idcard-success.xml's; `Message` is an empty element until the job fails.
	 */
	private render(): XmlObject {
		const input = {
			BucketId: this.input.bucket,
			Object: this.input.object,
			Region: this.input.region,
		};
		const op = this.operation;
		if (this.tag === 'ImageOCR') {
			return {
				Code: this.code,
				CreationTime: this.creationTime,
				EndTime: this.endTime,
				Input: input,
				JobId: this.id,
				Message: this.message,
				Operation: {
					Detection: this.result,
					JobLevel: op.jobLevel,
					TemplateId: op.templateId,
					TemplateName: op.templateName,
					UserData: op.userData,
					ImageOCR: op.imageOcr,
				},
				QueueId: this.queueId,
				StartTime: this.startTime,
				State: this.state,
				Tag: this.tag,
			};
		}
		return {
			Code: this.code,
			Message: this.message,
			JobId: this.id,
			State: this.state,
			CreationTime: this.creationTime,
			StartTime: this.startTime,
			EndTime: this.endTime,
			QueueId: this.queueId,
			Tag: this.tag,
			Input: input,
			Operation: {
				ImageLicenseRec: { CardType: op.cardType },
				ImageLicenseRecResult: this.result,
				UserData: op.userData,
				JobLevel: op.jobLevel,
			},
		};
	}
}
