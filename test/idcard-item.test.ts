import { readFileSync } from 'fs';
import path from 'path';
import { useEmulator } from './helpers/emulator-setup';
import { inlineBinary, runWorkflow } from './helpers/n8n';
import { singleNodeWorkflow } from './helpers/workflows';
const { credential } = useEmulator();
it('prints', async () => {
	const card = readFileSync(path.join(__dirname, 'fixtures/id-card.png'));
	const result = await runWorkflow(singleNodeWorkflow({ resource: 'ocr', operation: 'recognizeIdCard', source: 'binary', crops: ['CropIdCard', 'CropPortrait'], quality: true }), {
		credentials: { tencentCloudInfiniteApi: credential() },
		inputItems: [{ json: {}, binary: { data: inlineBinary(card, 'id-card.png', 'image/png') } }],
	});
	const item = result.items('CI')[0];
	console.log(JSON.stringify({ json: item.json, binary: Object.fromEntries(Object.entries(item.binary ?? {}).map(([k, v]) => [k, { fileName: v.fileName, mimeType: v.mimeType, fileSize: v.fileSize }])) }, null, 2), result.error?.message);
}, 60000);
