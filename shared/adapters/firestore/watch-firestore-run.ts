import type { DocumentData, Firestore } from '@google-cloud/firestore';
import { documentPaths as paths } from '../document-paths.ts';

/**
 * Listens to a run document and its steps and reports both together on every change (the CLI
 * follows runs this way: a listener fires milliseconds after a write, no polling).
 */
export function watchFirestoreRun(
  db: Firestore,
  runId: string,
  listener: (run: DocumentData | undefined, steps: DocumentData[]) => void,
): () => void {
  let run: DocumentData | undefined;
  let steps: DocumentData[] = [];
  let runSeen = false;
  let stepsSeen = false;
  const emit = () => {
    if (runSeen && stepsSeen) listener(run, steps);
  };
  const stopRun = db.doc(paths.run(runId)).onSnapshot((snapshot) => {
    run = snapshot.exists ? snapshot.data() : undefined;
    runSeen = true;
    emit();
  });
  const stopSteps = db
    .collection(paths.steps(runId))
    .orderBy('createTime')
    .onSnapshot((snapshot) => {
      steps = snapshot.docs.map((doc) => doc.data());
      stepsSeen = true;
      emit();
    });
  return () => {
    stopRun();
    stopSteps();
  };
}
