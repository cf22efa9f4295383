/**
 * The live popup: React, the bridge and the query cache. Loaded by `main.ts`
 * after the first view is painted (#14); it replaces that view once its
 * first snapshot is in.
 */
import { mountPage } from '../../components/mount';
import { Popup } from '../../components/popup/Popup';

mountPage(<Popup />);
